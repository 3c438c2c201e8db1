package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.model.JunosSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tree side of {@code insert}, {@code wildcard delete} and {@code replace pattern}: pure
 * functions from a tree to a tree. Order matters where these act: terms of a rule are tried in
 * order, proposals are offered in order.
 */
final class TreeEdits {
    private TreeEdits() {}

    /** The list entry at {@code entry} moved just before (or after) its sibling {@code anchor}. */
    static Node moveEntry(Node root, List<PathElement> entry, PathElement anchor, boolean before) {
        PathElement moved = entry.getLast();
        return ListEntryMove.under(root, entry.subList(0, entry.size() - 1), parent -> {
            Node node = parent.child(moved.name(), moved.key()).orElseThrow();
            List<Node> children = new ArrayList<>();
            for (Node c : parent.children()) {
                if (c == node) continue;
                if (c.is(anchor.name(), anchor.key()) && before) children.add(node);
                children.add(c);
                if (c.is(anchor.name(), anchor.key()) && !before) children.add(node);
            }
            return parent.withChildren(children);
        });
    }

    /** The member {@code value} of the leaf-list at {@code leafList} moved just before (or after) {@code anchor}. */
    static Node moveValue(Node root, List<PathElement> leafList, String value, String anchor, boolean before) {
        return ListEntryMove.under(root, leafList, node -> {
            List<String> values = new ArrayList<>(node.values());
            values.remove(value);
            int at = values.indexOf(anchor);
            values.add(before ? at : at + 1, value);
            return node.withValues(values);
        });
    }

    /** {@code root} without the children of {@code parent} that {@code entries} lists. */
    static Node withoutEntries(Node root, List<PathElement> parent, List<Node> entries) {
        return ListEntryMove.under(root, parent, p -> {
            List<Node> kept = new ArrayList<>(p.children());
            kept.removeIf(c -> entries.stream().anyMatch(e -> c == e));
            return p.withChildren(kept);
        });
    }

    /** What {@link #replace} did: the new tree and how many names or values it changed. */
    record Replaced(Node tree, int count) {}

    /**
     * {@code replace pattern P with Q [upto N]}: every list key and value below {@code level}
     * in which {@code pattern} is found, rewritten with {@code with} ({@code \1} refers to a
     * group, as on Junos), at most {@code upto} of them when it is above zero. Keywords are
     * never touched, nor "$9$" secrets (a rewrite would garble the key).
     */
    static Replaced replace(Node root, List<PathElement> level, Pattern pattern, String with, int upto) {
        int[] left = {upto > 0 ? upto : Integer.MAX_VALUE};
        int[] count = {0};
        String replacement = replacement(with);
        Node tree = ListEntryMove.under(root, level, n -> n.withChildren(
                n.children().stream().map(c -> rewrite(c, pattern, replacement, left, count)).toList()));
        return new Replaced(tree, count[0]);
    }

    private static Node rewrite(Node n, Pattern pattern, String replacement, int[] left, int[] count) {
        String key = n.key() == null ? null : rewritten(n.key(), pattern, replacement, left, count);
        List<String> values = n.values().stream().map(v -> rewritten(v, pattern, replacement, left, count)).toList();
        List<Node> children = n.children().stream().map(c -> rewrite(c, pattern, replacement, left, count)).toList();
        return new Node(n.name(), key, values, n.inactive(), children);
    }

    private static String rewritten(String text, Pattern pattern, String replacement, int[] left, int[] count) {
        if (left[0] == 0 || text.contains(JunosSecret.MAGIC)) return text;
        Matcher m = pattern.matcher(text);
        if (!m.find()) return text;
        left[0]--;
        count[0]++;
        return m.replaceAll(replacement);
    }

    /** Junos writes a group reference as {@code \1}; Java's replacement syntax uses {@code $1} and gives {@code $} and {@code \} meaning. */
    static String replacement(String with) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < with.length(); i++) {
            char c = with.charAt(i);
            if (c == '\\' && i + 1 < with.length() && Character.isDigit(with.charAt(i + 1))) {
                sb.append('$').append(with.charAt(++i));
            } else if (c == '$' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
