package io.sallyport.cli;

import java.util.Optional;

/**
 * How the shell asks a yes/no question before a command it may not have been meant to run, as
 * Junos does ({@code Delete everything under this level? [yes,no] (no)}): on a terminal, a line
 * read after the question; without one (-c, piped stdin) there is nobody to ask, and the shell
 * takes the question's default for harmless ones and refuses the destructive ones loudly.
 */
@FunctionalInterface
public interface ConfirmPrompt {

    /** No terminal: every question goes unanswered. */
    ConfirmPrompt NONE = question -> Optional.empty();

    /**
     * The answer to {@code question} (its last line ends in {@code [yes,no] (DEFAULT) }); the default
     * when the person just pressed Enter; empty only when nobody could be asked.
     */
    Optional<Boolean> ask(String question);
}
