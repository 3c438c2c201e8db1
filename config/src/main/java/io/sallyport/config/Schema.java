package io.sallyport.config;

import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Junos statement tree Sallyport understands (reference §1), and the queries the parser, the
 * commit checks and the CLI's {@code ?} help and TAB completion need.
 */
public final class Schema {

    private static final Container ROOT = JunosSchema.build();

    private Schema() {}

    public static Container root() { return ROOT; }

    /** What a statement takes after its name. */
    public enum Takes { BLOCK, KEY, VALUE, VALUES, NOTHING }

    /**
     * One line of CLI help: a statement's name, its help text, what it takes after its name, and
     * for KEY/VALUE/VALUES the value type ({@code placeholder()} gives {@code <1..300>} and the like).
     */
    public record HelpEntry(String name, String help, Takes takes, ValueType valueType) {}

    /**
     * The statements allowed directly under the statement at {@code path}, in schema order.
     * {@code path} is a statement path as typed ({@code [services, service-set, S1, ipsec-vpn-options]}).
     * Keyless lists (interface names, routing instance names) appear as their placeholder.
     *
     * @throws ConfigSyntaxException when the path does not name a container or list entry
     */
    public static List<HelpEntry> childrenOf(List<String> path) throws ConfigSyntaxException {
        return help(childrenAt(path));
    }

    /** What may follow the words typed so far: statements (with help), or a value of some type. */
    public sealed interface Expectation {

        /** Statement names (and placeholders of keyless lists and positional values) allowed next. */
        record Statements(List<HelpEntry> choices) implements Expectation {
            public Statements { choices = List.copyOf(choices); }
        }

        /** A value for {@code statement}; for enumerations {@code type} lists the keywords. */
        record Value(String statement, String help, ValueType type) implements Expectation {}
    }

    /**
     * For {@code ?} and TAB in the middle of a command: given the words after {@code set} (or an
     * edit level followed by them), what the next word may be. A complete leaf under a one-line
     * statement ({@code local-gateway 10.0.1.1}) is followed by that statement's other leaves.
     *
     * @throws ConfigSyntaxException when a word is not allowed where it stands
     */
    public static Expectation expect(List<String> words) throws ConfigSyntaxException {
        SchemaNode owner = ROOT;
        List<SchemaNode> level = ROOT.children();
        List<String> walked = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            String token = words.get(i);
            final List<SchemaNode> lv = level;
            SchemaNode n = lookup(level, token).orElseThrow(() -> ConfigSyntaxException.unknown(token, walked, lv));
            switch (n) {
                case Container c -> { owner = c; level = c.children(); walked.add(token); i++; }
                case ListNode l -> {
                    int k = l.keyless() ? i : i + 1;
                    for (SchemaNode.KeyPart part : l.key()) {
                        if (part.keyword() != null) {
                            if (k >= words.size()) return new Expectation.Statements(
                                List.of(new HelpEntry(part.keyword(), l.help(), Takes.VALUE, part.type())));
                            k++;
                        }
                        if (k >= words.size()) return new Expectation.Value(l.name(), l.help(), part.type());
                        k++;
                    }
                    walked.addAll(words.subList(i, k));
                    owner = l;
                    level = l.children();
                    i = k;
                }
                case Leaf f when f.positional() -> i++;
                case Leaf f -> {
                    if (i + 1 >= words.size()) return new Expectation.Value(f.name(), f.help(), f.type());
                    i += 2;
                }
                case LeafList f -> {
                    if (i + 1 >= words.size()) return new Expectation.Value(f.name(), f.help(), f.type());
                    i += 2;
                }
                case Flag f -> i++;
            }
            boolean leafLike = !(n instanceof Container) && !(n instanceof ListNode);
            boolean flat = owner instanceof Container c && c.flat() || owner instanceof ListNode l && l.flat();
            if (leafLike && !flat) {
                if (i < words.size())
                    throw new ConfigSyntaxException("syntax error: unexpected '" + words.get(i) + "'", 0, 0, walked);
                return new Expectation.Statements(List.of());
            }
        }
        return new Expectation.Statements(help(level));
    }

    /** The schema children of the container or list entry that {@code path} names. */
    public static List<SchemaNode> childrenAt(List<String> path) throws ConfigSyntaxException {
        return childrenAtFrom(ROOT.children(), path, new ArrayList<>());
    }

    private static List<SchemaNode> childrenAtFrom(List<SchemaNode> level, List<String> rest, List<String> walked)
            throws ConfigSyntaxException {
        if (rest.isEmpty()) return level;
        String token = rest.getFirst();
        SchemaNode n = lookup(level, token).orElseThrow(() -> ConfigSyntaxException.unknown(token, walked, level));
        return switch (n) {
            case Container c -> {
                walked.add(token);
                yield childrenAtFrom(c.children(), rest.subList(1, rest.size()), walked);
            }
            case ListNode l -> {
                int need = keyTokenCount(l);
                int start = l.keyless() ? 0 : 1;
                if (start + need > rest.size())
                    throw new ConfigSyntaxException("missing " + keyPlaceholder(l) + " after '" + token + "'", 0, 0, walked);
                walked.addAll(rest.subList(0, start + need));
                yield childrenAtFrom(l.children(), rest.subList(start + need, rest.size()), walked);
            }
            default -> throw new ConfigSyntaxException("'" + token + "' is not a container", 0, 0, walked);
        };
    }

    static List<HelpEntry> help(List<SchemaNode> level) {
        List<HelpEntry> out = new ArrayList<>();
        for (SchemaNode n : level) {
            out.add(switch (n) {
                case Container c -> new HelpEntry(c.name(), c.help(), Takes.BLOCK, null);
                case ListNode l when l.keyless() -> new HelpEntry(keyPlaceholder(l), l.help(), Takes.KEY, l.key().getFirst().type());
                case ListNode l -> new HelpEntry(l.name(), l.help(), Takes.KEY, l.key().getFirst().type());
                case Leaf f when f.positional() -> new HelpEntry(f.type().placeholder(), f.help(), Takes.VALUE, f.type());
                case Leaf f -> new HelpEntry(f.name(), f.help(), Takes.VALUE, f.type());
                case LeafList f -> new HelpEntry(f.name(), f.help(), Takes.VALUES, f.type());
                case Flag f -> new HelpEntry(f.name(), f.help(), Takes.NOTHING, null);
            });
        }
        return out;
    }

    /**
     * Finds the schema child a token names: a statement of that name; else a keyless list or a
     * positional leaf whose type accepts the token as a value.
     */
    public static Optional<SchemaNode> lookup(List<SchemaNode> level, String token) {
        for (SchemaNode n : level) {
            if (n instanceof ListNode l && l.keyless()) continue;
            if (n instanceof Leaf f && f.positional()) continue;
            if (n.name().equals(token)) return Optional.of(n);
        }
        for (SchemaNode n : level) {
            if (n instanceof ListNode l && l.keyless() && l.key().getFirst().type().check(token) == null) return Optional.of(n);
            if (n instanceof Leaf f && f.positional() && f.type().check(token) == null) return Optional.of(n);
        }
        return Optional.empty();
    }

    /** The schema child with this statement name (keyless and positional ones included). */
    public static Optional<SchemaNode> named(List<SchemaNode> level, String name) {
        for (SchemaNode n : level) if (n.name().equals(name)) return Optional.of(n);
        return Optional.empty();
    }

    /** The schema node of a tree path, or empty when the path leaves the schema. */
    public static Optional<SchemaNode> nodeAt(List<Node.PathElement> path) {
        SchemaNode cur = ROOT;
        for (Node.PathElement e : path) {
            Optional<SchemaNode> next = named(cur.children(), e.name());
            if (next.isEmpty()) return Optional.empty();
            cur = next.get();
        }
        return Optional.of(cur);
    }

    static int order(List<SchemaNode> level, String name) {
        for (int i = 0; i < level.size(); i++) if (level.get(i).name().equals(name)) return i;
        return Integer.MAX_VALUE;
    }

    static int keyTokenCount(ListNode l) {
        int n = 0;
        for (SchemaNode.KeyPart p : l.key()) n += p.keyword() == null ? 1 : 2;
        return n;
    }

    static String keyPlaceholder(ListNode l) {
        StringBuilder sb = new StringBuilder();
        for (SchemaNode.KeyPart p : l.key()) {
            if (!sb.isEmpty()) sb.append(' ');
            if (p.keyword() != null) sb.append(p.keyword()).append(' ');
            sb.append(p.type().placeholder());
        }
        return sb.toString();
    }

    /** Names of the statements allowed at a level, for "allowed here" messages. */
    static String allowedNames(List<SchemaNode> level) {
        List<String> names = new ArrayList<>();
        for (HelpEntry h : help(level)) names.add(h.name());
        return String.join(", ", names);
    }
}
