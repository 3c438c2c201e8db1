package io.sallyport.config;

import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.KeyPart;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random configurations drawn from the whole schema, as set-form commands plus some deactivates:
 * every statement kind, choices, flat and collapsed statements, quoted values.
 */
final class RandomConfigs {

    private final Random random;
    private final List<String> sets = new ArrayList<>();
    private final List<String> deactivates = new ArrayList<>();

    private RandomConfigs(long seed) { this.random = new Random(seed); }

    /** A random tree: statements under the root, each kept with probability that falls with depth. */
    static Node tree(long seed) {
        RandomConfigs g = new RandomConfigs(seed);
        g.level(Schema.root(), new ArrayList<>(), 0);
        Node root;
        try {
            root = ConfigText.parseSetCommands(String.join("\n", g.sets));
            for (String d : g.deactivates) {
                if (g.random.nextInt(3) != 0) continue;
                try {
                    root = ConfigEditor.deactivate(root, List.of(), d);
                } catch (ConfigSyntaxException gone) {
                    // a later choice member removed it; nothing to deactivate
                }
            }
        } catch (ConfigSyntaxException e) {
            throw new AssertionError("generator produced an invalid command: " + e.getMessage(), e);
        }
        return root;
    }

    private void level(SchemaNode owner, List<String> path, int depth) {
        double p = depth == 0 ? 0.6 : Math.max(0.3, 0.6 - depth * 0.03);
        for (SchemaNode n : owner.children()) {
            if (random.nextDouble() > p) continue;
            statement(n, path, depth);
        }
    }

    private void statement(SchemaNode n, List<String> path, int depth) {
        switch (n) {
            case Leaf f -> {
                String v = quoted(value(f.type()));
                sets.add(cmd(path, f.positional() ? v : f.name() + " " + v));
                if (!f.positional()) deactivates.add(cmd0(path, f.name()));
            }
            case LeafList f -> {
                int count = 1 + random.nextInt(3);
                List<String> vs = new ArrayList<>();
                for (int i = 0; i < count; i++) vs.add(quoted(value(f.type())));
                if (random.nextBoolean()) sets.add(cmd(path, f.name() + " [ " + String.join(" ", vs) + " ]"));
                else for (String v : vs) sets.add(cmd(path, f.name() + " " + v));
                deactivates.add(cmd0(path, f.name()));
            }
            case Flag f -> {
                sets.add(cmd(path, f.name()));
                deactivates.add(cmd0(path, f.name()));
            }
            case Container c -> {
                List<String> sub = new ArrayList<>(path);
                sub.add(c.name());
                int before = sets.size();
                level(c, sub, depth + 1);
                if (sets.size() == before && c.presence()) sets.add(cmd(path, c.name()));
                deactivates.add(cmd0(path, c.name()));
            }
            case ListNode l -> {
                int entries = 1 + random.nextInt(2);
                for (int i = 0; i < entries; i++) {
                    List<String> sub = new ArrayList<>(path);
                    if (!l.keyless()) sub.add(l.name());
                    for (KeyPart part : l.key()) {
                        if (part.keyword() != null) sub.add(part.keyword());
                        sub.add(quoted(value(part.type())));
                    }
                    sets.add("set " + String.join(" ", sub));
                    level(l, sub, depth + 1);
                    deactivates.add(String.join(" ", sub));
                }
            }
        }
    }

    private static String cmd(List<String> path, String tail) {
        return "set " + (path.isEmpty() ? "" : String.join(" ", path) + " ") + tail;
    }

    private static String cmd0(List<String> path, String tail) {
        return (path.isEmpty() ? "" : String.join(" ", path) + " ") + tail;
    }

    private static String quoted(String v) { return Lexer.quote(v); }

    /** A value the type accepts; free text sometimes carries spaces, quotes and delimiters. */
    String value(ValueType t) {
        String v = switch (t) {
            case ValueType.Address a -> a.v4Only() || random.nextInt(4) > 0 ? ipv4() : "2001:db8::" + Integer.toHexString(1 + random.nextInt(0xfff));
            case ValueType.Prefix p -> random.nextInt(4) > 0 ? "10." + random.nextInt(256) + "." + random.nextInt(256) + ".0/24"
                : "2001:db8:" + Integer.toHexString(random.nextInt(0xffff)) + "::/48";
            case ValueType.IntRange r -> Long.toString(r.min() + (long) (random.nextDouble() * (r.max() - r.min() + 1)));
            case ValueType.Enumeration e -> e.values().get(random.nextInt(e.values().size()));
            case ValueType.Bandwidth b -> (10 + random.nextInt(991)) + new String[] {"k", "m", "g"}[random.nextInt(3)];
            case ValueType.Hex h -> "0a1b" + Integer.toHexString(random.nextInt(0xffff));
            case ValueType.Text x -> text(x);
            case ValueType.Secret x -> value(x.plain());
        };
        String err = t.check(v);
        if (err != null) throw new AssertionError("generated " + v + " for " + t + ": " + err);
        return v;
    }

    private String ipv4() {
        int[] nets = {192, 198, 203};
        return switch (nets[random.nextInt(3)]) {
            case 192 -> "192.0.2." + (1 + random.nextInt(254));
            case 198 -> "198.51.100." + (1 + random.nextInt(254));
            default -> "203.0.113." + (1 + random.nextInt(254));
        };
    }

    private static final String[] IFDS = {"ge-0/0/0", "ms-1/2/0", "sp-4/0/0", "xe-1/0/0:1", "lo0"};
    private static final String[] FREE = {"plain", "two words", "semi;colon", "q\"uote", "br{ace}", "#hash", "[bracket", "back\\slash", "x"};

    private String text(ValueType.Text x) {
        int n = random.nextInt(1000);
        return switch (x.what()) {
            case "interface-name" -> {
                String ifd = IFDS[random.nextInt(IFDS.length)];
                String unit = ifd + "." + n;
                yield random.nextBoolean() && x.check(unit) == null ? unit : ifd;
            }
            case "interface-unit" -> IFDS[random.nextInt(IFDS.length)] + "." + n;
            case "next-hop" -> random.nextBoolean() ? ipv4() : "ms-1/2/0." + n;
            case "route-distinguisher" -> "65000:" + n;
            case "community-member" -> "target:65000:" + n;
            case "size" -> n + "m";
            case "url" -> "http://ca.example.com/" + n;
            case "string", "description", "key" -> FREE[random.nextInt(FREE.length)] + n;
            default -> "v" + n;
        };
    }
}
