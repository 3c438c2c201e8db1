package io.sallyport.cli;

import java.util.Optional;

/**
 * How the shell asks for a secret left off a command ({@code set ... pre-shared-key ascii-text}):
 * on a terminal, one line read with echo off; without one there is nobody to ask.
 */
@FunctionalInterface
public interface SecretPrompt {

    /** No terminal: the command is taken as typed (and fails for its missing value). */
    SecretPrompt NONE = prompt -> Optional.empty();

    /** The line typed after {@code prompt}, never echoed or kept; empty when it was not answered. */
    Optional<String> read(String prompt);
}
