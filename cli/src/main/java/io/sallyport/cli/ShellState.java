package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.Node.PathElement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** One session's mode and, in configuration mode, its edit level and the levels it came from. */
final class ShellState {
    private boolean configurationMode;
    private List<PathElement> level = List.of();
    private final Deque<List<PathElement>> previous = new ArrayDeque<>();

    boolean configurationMode() { return configurationMode; }

    List<PathElement> level() { return level; }

    void enterConfiguration() {
        configurationMode = true;
        level = List.of();
        previous.clear();
    }

    void leaveConfiguration() {
        configurationMode = false;
        level = List.of();
        previous.clear();
    }

    void edit(List<PathElement> to) {
        previous.push(level);
        level = List.copyOf(to);
    }

    /** {@code exit} below the top: back to where the last {@code edit} came from. */
    void back() {
        level = previous.isEmpty() ? List.of() : previous.pop();
    }

    void up(int levels) {
        previous.clear();
        level = level.subList(0, Math.max(0, level.size() - levels));
    }

    void top() {
        previous.clear();
        level = List.of();
    }

    boolean atTop() { return level.isEmpty(); }

    /** {@code [edit services ipsec-vpn]}, printed above each configuration-mode prompt. */
    String banner() {
        List<String> words = ConfigEditor.words(level);
        return words.isEmpty() ? "[edit]" : "[edit " + String.join(" ", words.stream().map(Words::quote).toList()) + "]";
    }
}
