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

    /** The level {@code levels} above this one (the top at most). */
    List<PathElement> above(int levels) {
        return List.copyOf(level.subList(0, Math.max(0, level.size() - levels)));
    }

    boolean atTop() { return level.isEmpty(); }

    /** Where the session is, so a {@code top COMMAND} or {@code up N COMMAND} can run elsewhere and come back. */
    record Place(List<PathElement> level, List<List<PathElement>> previous) { }

    Place place() { return new Place(level, List.copyOf(previous)); }

    /** Back to {@code place}, as it was before a prefixed command ran. */
    void restore(Place place) {
        level = place.level();
        previous.clear();
        place.previous().reversed().forEach(previous::push);
    }

    /** {@code top} and {@code up N}: straight to {@code to}, forgetting where edits came from. */
    void jump(List<PathElement> to) {
        previous.clear();
        level = List.copyOf(to);
    }

    /** {@code [edit services ipsec-vpn]}, printed above each configuration-mode prompt. */
    String banner() {
        List<String> words = ConfigEditor.words(level);
        return words.isEmpty() ? "[edit]" : "[edit " + String.join(" ", words.stream().map(Words::quote).toList()) + "]";
    }
}
