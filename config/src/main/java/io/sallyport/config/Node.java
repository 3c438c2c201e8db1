package io.sallyport.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One statement of a configuration tree, immutable. {@code name} is the schema statement's name
 * (for keyless lists too, so {@code interfaces { ge-0/0/0 {} }} holds a node named "interface" keyed
 * "ge-0/0/0"); {@code key} is set for list entries only; {@code values} holds a leaf's value or a
 * leaf-list's values. Children are kept in schema order, list entries in insertion order, which
 * makes printing canonical. {@code annotation} is the comment {@code annotate} attached (printed
 * {@code /* ... *}{@code /} above the statement in the brace form), or null.
 */
public record Node(String name, String key, List<String> values, boolean inactive, List<Node> children, String annotation) {

    public Node {
        Objects.requireNonNull(name);
        values = List.copyOf(values);
        children = List.copyOf(children);
    }

    /** A statement without an annotation. */
    public Node(String name, String key, List<String> values, boolean inactive, List<Node> children) {
        this(name, key, values, inactive, children, null);
    }

    public static Node root() { return new Node("", null, List.of(), false, List.of()); }

    public static Node of(String name, String key) { return new Node(name, key, List.of(), false, List.of()); }

    public boolean isRoot() { return name.isEmpty(); }

    /** Whether this node answers to the path element (name, key). */
    public boolean is(String name, String key) { return this.name.equals(name) && Objects.equals(this.key, key); }

    public Optional<Node> child(String name) { return child(name, null); }

    public Optional<Node> child(String name, String key) {
        for (Node c : children) if (c.is(name, key)) return Optional.of(c);
        return Optional.empty();
    }

    public List<Node> all(String name) {
        List<Node> out = new ArrayList<>();
        for (Node c : children) if (c.name.equals(name)) out.add(c);
        return out;
    }

    public boolean has(String name) { return child(name).isPresent(); }

    /** The value of the named leaf child, if present. */
    public Optional<String> value(String name) {
        return child(name).filter(c -> !c.values.isEmpty()).map(c -> c.values.getFirst());
    }

    public List<String> values(String name) { return child(name).map(Node::values).orElse(List.of()); }

    /** Follows (name, key) pairs; a null key for containers, leaves and flags. */
    public Optional<Node> at(List<PathElement> path) {
        Node n = this;
        for (PathElement e : path) {
            Optional<Node> c = n.child(e.name(), e.key());
            if (c.isEmpty()) return Optional.empty();
            n = c.get();
        }
        return Optional.of(n);
    }

    public Node withValues(List<String> v) { return new Node(name, key, v, inactive, children, annotation); }

    public Node withInactive(boolean i) { return new Node(name, key, values, i, children, annotation); }

    public Node withChildren(List<Node> c) { return new Node(name, key, values, inactive, c, annotation); }

    /** The same statement with {@code text} as its annotation (null: none). */
    public Node withAnnotation(String text) { return new Node(name, key, values, inactive, children, text); }

    public Node withoutChild(String name, String key) {
        List<Node> out = new ArrayList<>(children);
        out.removeIf(c -> c.is(name, key));
        return withChildren(out);
    }

    /** Replaces the child (name, key) through {@code f}, or removes it when f returns null. */
    public Node mapChild(String name, String key, UnaryOperator<Node> f) {
        List<Node> out = new ArrayList<>(children.size());
        for (Node c : children) {
            if (c.is(name, key)) {
                Node m = f.apply(c);
                if (m != null) out.add(m);
            } else {
                out.add(c);
            }
        }
        return withChildren(out);
    }

    /** The same tree without inactive statements: what the system acts on. */
    public Node activeOnly() {
        List<Node> out = new ArrayList<>();
        for (Node c : children) if (!c.inactive) out.add(c.activeOnly());
        return withChildren(out);
    }

    /** One step of a statement path. */
    public record PathElement(String name, String key) {
        public static PathElement of(Node n) { return new PathElement(n.name(), n.key()); }
    }
}
