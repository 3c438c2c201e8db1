package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.ArrayList;
import java.util.List;

/** Collects diagnostics while rules walk the tree; knows how Junos names statements in a frame. */
final class Findings {

    private final List<Diagnostic> list = new ArrayList<>();

    void error(List<String> level, String statement, String message) {
        list.add(new Diagnostic(Diagnostic.Severity.ERROR, level, statement, message));
    }

    void warning(List<String> level, String statement, String message) {
        list.add(new Diagnostic(Diagnostic.Severity.WARNING, level, statement, message));
    }

    List<Diagnostic> all() { return List.copyOf(list); }

    /** A level one step deeper: {@code level + words}. */
    static List<String> at(List<String> level, String... words) {
        List<String> out = new ArrayList<>(level);
        out.addAll(List.of(words));
        return out;
    }

    /** A leaf as it reads in a frame: {@code name value}. */
    static String leaf(Node parent, String name) {
        return parent.value(name).map(v -> name + " " + v).orElse(name);
    }

    /** A leaf-list as it reads in a frame: {@code name v} or {@code name [ a b ]}. */
    static String leafList(String name, List<String> values) {
        return values.size() == 1 ? name + " " + values.getFirst() : name + " [ " + String.join(" ", values) + " ]";
    }
}
