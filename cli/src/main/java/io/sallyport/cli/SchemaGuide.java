package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.KeyPart;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;
import io.sallyport.config.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What may come next in a configuration statement path, from the schema: the statements at the
 * level reached (with their help text), the value a leaf wants (an enumeration's keywords, else a
 * placeholder such as {@code <1..300>}), or a list's key (with the entries the candidate already has).
 * Feeds both {@code ?} help and TAB completion in configuration mode.
 */
final class SchemaGuide {

    static final HelpLine ENTER = new HelpLine("<[Enter]>", "Execute this command");

    private SchemaGuide() {}

    /**
     * The help lines for the word after {@code typed}, walking from edit level {@code base}; empty
     * when {@code typed} leaves the schema (the command itself will report why).
     */
    static List<HelpLine> next(List<PathElement> base, List<String> typed, Node candidate) {
        Optional<SchemaNode> start = Schema.nodeAt(base);
        if (start.isEmpty()) return List.of();
        SchemaNode owner = start.get();
        List<SchemaNode> level = owner.children();
        Node tree = candidate.at(base).orElse(null);
        int i = 0;
        while (i < typed.size()) {
            Optional<SchemaNode> found = Schema.lookup(level, typed.get(i));
            if (found.isEmpty()) return List.of();
            SchemaNode sn = found.get();
            switch (sn) {
                case Container c -> {
                    i++;
                    owner = c;
                    level = c.children();
                    tree = child(tree, c.name(), null);
                }
                case ListNode l -> {
                    int k = l.keyless() ? i : i + 1;
                    StringBuilder key = new StringBuilder();
                    for (KeyPart part : l.key()) {
                        if (part.keyword() != null) {
                            if (k == typed.size()) return List.of(new HelpLine(part.keyword(), l.help()));
                            k++;
                        }
                        if (k == typed.size()) return keyHelp(l, part, tree);
                        if (!key.isEmpty()) key.append(' ');
                        if (part.keyword() != null) key.append(part.keyword()).append(' ');
                        key.append(typed.get(k));
                        k++;
                    }
                    i = k;
                    owner = l;
                    level = l.children();
                    tree = child(tree, l.name(), key.toString());
                }
                case Leaf f when f.positional() -> i++;
                case Leaf f -> {
                    if (i + 1 == typed.size()) return valueHelp(f.type(), f.help());
                    i += 2;
                }
                case LeafList f -> {
                    if (i + 1 == typed.size()) return valueHelp(f.type(), f.help());
                    i += 2;
                    if (typed.get(i - 1).equals("[")) {
                        while (i < typed.size() && !typed.get(i).equals("]")) i++;
                        if (i == typed.size()) return valueHelp(f.type(), f.help());
                        i++;
                    }
                }
                case Flag f -> i++;
            }
            if (sn instanceof Leaf || sn instanceof LeafList || sn instanceof Flag) {
                if (!isFlat(owner)) return i == typed.size() ? List.of(ENTER) : List.of();
            }
        }
        List<HelpLine> out = new ArrayList<>();
        for (SchemaNode n : level) out.add(line(n));
        return out;
    }

    /** The words TAB may insert for a partial word: keywords, enumeration values and existing keys. */
    static List<String> completions(List<HelpLine> help, String prefix) {
        List<String> out = new ArrayList<>();
        for (HelpLine h : help) {
            String w = h.word();
            if (w.startsWith("<") || w.startsWith("(") || w.startsWith("[")) continue;
            if (w.startsWith(prefix)) out.add(w);
        }
        return out;
    }

    /** One help line per statement; keyless lists and positional leaves show their value placeholder. */
    private static HelpLine line(SchemaNode n) {
        return switch (n) {
            case ListNode l when l.keyless() -> new HelpLine(l.key().getFirst().type().placeholder(), l.help());
            case Leaf f when f.positional() -> new HelpLine(f.type().placeholder(), f.help());
            default -> new HelpLine(n.name(), n.help());
        };
    }

    private static List<HelpLine> keyHelp(ListNode l, KeyPart part, Node tree) {
        List<HelpLine> out = new ArrayList<>(valueHelp(part.type(), l.help()));
        if (tree != null) {
            for (Node entry : tree.all(l.name())) {
                String[] parts = entry.key().split(" ");
                String word = part.keyword() == null ? parts[0] : parts[List.of(parts).indexOf(part.keyword()) + 1];
                if (out.stream().noneMatch(h -> h.word().equals(word))) out.add(new HelpLine(word, ""));
            }
        }
        return out;
    }

    private static List<HelpLine> valueHelp(ValueType type, String help) {
        if (type instanceof ValueType.Enumeration e) {
            List<HelpLine> out = new ArrayList<>();
            for (String v : e.values()) out.add(new HelpLine(v, ""));
            return out;
        }
        return List.of(new HelpLine(type.placeholder(), help));
    }

    private static Node child(Node tree, String name, String key) {
        return tree == null ? null : tree.child(name, key).orElse(null);
    }

    private static boolean isFlat(SchemaNode owner) {
        return owner instanceof Container c && c.flat() || owner instanceof ListNode l && l.flat();
    }
}
