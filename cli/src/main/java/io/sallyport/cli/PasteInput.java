package io.sallyport.cli;

import java.util.Optional;

/**
 * Where {@code load ... terminal} reads what is pasted: on a terminal, lines until Ctrl-D at the
 * start of a line (after Junos's {@code [Type ^D at a new line to end input]}); without one
 * (-c, piped stdin) there is nothing to read.
 */
@FunctionalInterface
public interface PasteInput {

    /** No terminal: nothing can be pasted. */
    PasteInput NONE = () -> Optional.empty();

    /** The text typed up to Ctrl-D; empty when there is no terminal or Ctrl-C abandoned the paste. */
    Optional<String> untilEndOfInput();
}
