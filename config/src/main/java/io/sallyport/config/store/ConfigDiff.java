package io.sallyport.config.store;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code show | compare}: the differences between two trees as Junos prints them, one {@code [edit
 * ...]} header per hierarchy level that changed, then the removed ({@code -}) and added ({@code +})
 * statements in curly-brace form. Leaves, leaf-lists, flags and one-line (flat) statements change
 * as a whole.
 */
public final class ConfigDiff {

    private ConfigDiff() {}

    public static String diff(Node from, Node to) {
        return diff(from, to, List.of());
    }

    /** {@code show | compare} at an edit level: only the statements under {@code level}. */
    public static String diff(Node from, Node to, List<PathElement> level) {
        Optional<SchemaNode> schema = Schema.nodeAt(level);
        if (schema.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        level(from.at(level).orElse(Node.root()), to.at(level).orElse(Node.root()), schema.get(), level, sb);
        return sb.toString();
    }

    /**
     * Walks one hierarchy level in configuration order. Whole-statement changes are printed under
     * this level's header; a changed sub-level prints its own header, after which this level's
     * header is repeated if more of its own changes follow (as Junos does).
     */
    private static void level(Node a, Node b, SchemaNode schema, List<PathElement> path, StringBuilder sb) {
        Set<PathElement> ids = new LinkedHashSet<>();
        for (Node c : a.children()) ids.add(PathElement.of(c));
        for (Node c : b.children()) ids.add(PathElement.of(c));
        boolean headerShown = false;
        for (PathElement id : ordered(ids, schema)) {
            Optional<Node> x = a.child(id.name(), id.key());
            Optional<Node> y = b.child(id.name(), id.key());
            SchemaNode cs = Schema.named(schema.children(), id.name()).orElseThrow();
            if (x.isPresent() && y.isPresent() && x.get().equals(y.get())) continue;
            boolean atomic = !(cs instanceof SchemaNode.Container || cs instanceof SchemaNode.ListNode) || oneLine(x, cs) && oneLine(y, cs);
            if (x.isPresent() && y.isPresent() && !atomic && x.get().inactive() == y.get().inactive()) {
                if (!java.util.Objects.equals(x.get().annotation(), y.get().annotation())) {
                    if (!headerShown) {
                        List<String> words = ConfigEditor.words(path);
                        sb.append(words.isEmpty() ? "[edit]" : "[edit " + String.join(" ", words) + "]").append('\n');
                        headerShown = true;
                    }
                    annotationChange(x.get(), y.get(), schema, sb);
                }
                List<PathElement> sub = new ArrayList<>(path);
                sub.add(id);
                int before = sb.length();
                level(x.get(), y.get(), cs, sub, sb);
                if (sb.length() != before) headerShown = false;
                continue;
            }
            if (!headerShown) {
                List<String> words = ConfigEditor.words(path);
                sb.append(words.isEmpty() ? "[edit]" : "[edit " + String.join(" ", words) + "]").append('\n');
                headerShown = true;
            }
            x.ifPresent(n -> mark(n, schema, '-', sb));
            y.ifPresent(n -> mark(n, schema, '+', sb));
        }
    }

    /** Keeps schema order across both trees: statement rank first, then first-seen order. */
    private static List<PathElement> ordered(Set<PathElement> ids, SchemaNode schema) {
        List<PathElement> out = new ArrayList<>(ids);
        out.sort((p, q) -> Integer.compare(rank(schema, p.name()), rank(schema, q.name())));
        return out;
    }

    private static int rank(SchemaNode schema, String name) {
        List<SchemaNode> kids = schema.children();
        for (int i = 0; i < kids.size(); i++) if (kids.get(i).name().equals(name)) return i;
        return Integer.MAX_VALUE;
    }

    private static boolean oneLine(Optional<Node> n, SchemaNode s) {
        if (n.isEmpty()) return true;
        boolean flat = s instanceof SchemaNode.Container c && c.flat() || s instanceof SchemaNode.ListNode l && l.flat();
        if (!flat) return n.get().children().isEmpty();
        for (Node c : n.get().children()) {
            SchemaNode cs = Schema.named(s.children(), c.name()).orElseThrow();
            if (c.inactive() || cs instanceof SchemaNode.Container || cs instanceof SchemaNode.ListNode) return false;
        }
        return true;
    }

    /**
     * A statement whose annotation alone changed: the old comment line removed, the new one added,
     * above the statement's first line as context (its changes inside follow under their own header).
     */
    private static void annotationChange(Node from, Node to, SchemaNode parentSchema, StringBuilder sb) {
        if (from.annotation() != null) sb.append("-   /* ").append(from.annotation()).append(" */\n");
        if (to.annotation() != null) sb.append("+   /* ").append(to.annotation()).append(" */\n");
        String text = ConfigPrinter.braces(Node.root().withChildren(List.of(to.withAnnotation(null))), parentSchema);
        sb.append("    ").append(text.lines().findFirst().orElse("")).append('\n');
    }

    private static void mark(Node n, SchemaNode parentSchema, char sign, StringBuilder sb) {
        String text = ConfigPrinter.braces(Node.root().withChildren(List.of(n)), parentSchema);
        for (String line : text.split("\n")) sb.append(sign).append("   ").append(line).append('\n');
    }
}
