package io.sallyport.cli;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether the session's user may run a command (a login class, for SSH and NETCONF
 * sessions). Asked with the command's words after abbreviations are expanded, so {@code conf}
 * is judged as {@code configure}.
 */
@FunctionalInterface
public interface CommandGuard {

    /** Everything allowed: the local shell of the host's own administrator. */
    CommandGuard NONE = (configurationMode, words) -> Optional.empty();

    /** @return the error to print instead of running the command, or empty to run it */
    Optional<String> refusal(boolean configurationMode, List<String> words);
}
