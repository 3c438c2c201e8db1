package io.sallyport.cli;

import java.util.List;
import java.util.Optional;

/**
 * Operational commands added to the shell by whoever runs it (the lab adds {@code router},
 * {@code ping ... from}, {@code fault}, {@code advance}, ...): asked before the shell's own
 * commands, and for {@code ?} and TAB alongside them.
 */
public interface ShellExtension {
    ShellExtension NONE = new ShellExtension() {
        @Override public Optional<Reply> execute(String command, boolean configurationMode) { return Optional.empty(); }

        @Override public List<HelpLine> next(List<String> typed) { return List.of(); }
    };

    /**
     * Runs {@code command} (keywords spelled out, pipes already taken off) if it is one of the
     * extension's; empty lets the shell run it. {@code configurationMode}: it came through
     * {@code run} in configuration mode.
     */
    Optional<Reply> execute(String command, boolean configurationMode);

    /** The words the extension's commands allow after {@code typed}, with their help. */
    List<HelpLine> next(List<String> typed);
}
