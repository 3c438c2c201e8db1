package io.sallyport.config;

import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.model.JunosSecret;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The statements whose values are secrets ({@link ValueType.Secret}: pre-shared keys, manual SA
 * keys, CRL passwords) and their "$9$" form. The store keeps secrets only "$9$"-encoded, as Junos
 * does, and everything that prints a stored tree therefore prints them encoded.
 */
public final class Secrets {

    /** The comment Junos puts after a secret statement in the curly-brace form. */
    public static final String COMMENT = "## SECRET-DATA";

    /**
     * What Junos prints instead of a secret's value to a user whose login class lacks the
     * {@code secret} permission: {@code pre-shared-key ascii-text /* SECRET-DATA *}{@code /; ## SECRET-DATA}.
     */
    public static final String MASK = "/* SECRET-DATA */";

    private Secrets() {}

    public static boolean isSecret(SchemaNode s) {
        return s instanceof Leaf l && l.type() instanceof ValueType.Secret;
    }

    /**
     * {@code tree} with every secret in clear "$9$"-encoded. A secret already encoded stays as it
     * is; a clear one equal to the secret at the same place in one of the {@code references} (the
     * active configuration, the previous candidate) takes that encoding, so re-entering or
     * re-loading the same key is no change.
     */
    public static Node encode(Node tree, List<Node> references, RandomGenerator random) {
        return encode(tree, Schema.nodeAt(List.of()).orElseThrow(), references.stream().map(Optional::of).toList(), random);
    }

    /**
     * {@code tree} as a user without the {@code secret} permission sees it: every secret's value,
     * and every {@code encrypted-password} (a hash that can be guessed at), replaced by
     * {@link #MASK}. For display only: the result is never stored or committed.
     */
    public static Node masked(Node tree) {
        return masked(tree, Schema.nodeAt(List.of()).orElseThrow());
    }

    /** Whether a statement's value is hidden by {@link #masked}. */
    public static boolean isMasked(SchemaNode s) {
        return isSecret(s) || s instanceof Leaf l && l.name().equals("encrypted-password");
    }

    private static Node masked(Node node, SchemaNode schema) {
        List<Node> out = new ArrayList<>(node.children().size());
        boolean changed = false;
        for (Node c : node.children()) {
            Optional<SchemaNode> cs = Schema.named(schema.children(), c.name());
            Node m = cs.isEmpty() ? c
                    : isMasked(cs.get()) ? (c.values().isEmpty() ? c : c.withValues(List.of(MASK)))
                    : masked(c, cs.get());
            changed |= m != c;
            out.add(m);
        }
        return changed ? node.withChildren(out) : node;
    }

    /** Whether {@code tree} holds a secret in clear. */
    public static boolean anyClear(Node tree) {
        return anyClear(tree, Schema.nodeAt(List.of()).orElseThrow());
    }

    /**
     * Where the secret values stand in the words of a statement path ({@code services ipsec-vpn ike
     * policy p1 pre-shared-key ascii-text KEY}: the index of KEY). An index equal to
     * {@code words.size()} means the path ends in a secret statement whose value was left out.
     * The walk stops at the first word outside the schema.
     */
    public static Set<Integer> valuePositions(List<String> words) {
        Set<Integer> out = new TreeSet<>();
        List<SchemaNode> level = Schema.root().children();
        int i = 0;
        while (i < words.size()) {
            Optional<SchemaNode> found = Schema.lookup(level, words.get(i));
            if (found.isEmpty()) break;
            switch (found.get()) {
                case SchemaNode.Container c -> {
                    level = c.children();
                    i++;
                }
                case SchemaNode.ListNode l -> {
                    int k = l.keyless() ? i : i + 1;
                    for (SchemaNode.KeyPart part : l.key()) k += part.keyword() == null ? 1 : 2;
                    level = l.children();
                    i = k;
                }
                case Leaf f when f.positional() -> i++;
                case Leaf f -> {
                    if (isSecret(f)) out.add(i + 1);
                    i += 2;
                }
                case SchemaNode.LeafList f -> i += 2;
                case SchemaNode.Flag f -> i++;
            }
        }
        return out;
    }

    private static Node encode(Node node, SchemaNode schema, List<Optional<Node>> refs, RandomGenerator random) {
        List<Node> out = new ArrayList<>(node.children().size());
        boolean changed = false;
        for (Node c : node.children()) {
            Optional<SchemaNode> cs = Schema.named(schema.children(), c.name());
            List<Optional<Node>> childRefs = refs.stream().map(r -> r.flatMap(n -> n.child(c.name(), c.key()))).toList();
            Node e;
            if (cs.isEmpty()) {
                e = c;
            } else if (isSecret(cs.get())) {
                e = c.values().isEmpty() || JunosSecret.isEncoded(c.values().getFirst()) ? c
                        : c.withValues(List.of(encodeValue(c.values().getFirst(), childRefs, random)));
            } else {
                e = encode(c, cs.get(), childRefs, random);
            }
            changed |= e != c;
            out.add(e);
        }
        return changed ? node.withChildren(out) : node;
    }

    private static String encodeValue(String clear, List<Optional<Node>> refs, RandomGenerator random) {
        String asDecoded = new String(clear.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        for (Optional<Node> r : refs) {
            Optional<String> previous = r.filter(n -> !n.values().isEmpty()).map(n -> n.values().getFirst());
            if (previous.isPresent() && JunosSecret.decode(previous.get()).filter(asDecoded::equals).isPresent()) {
                return previous.get();
            }
        }
        return JunosSecret.encode(clear, random);
    }

    private static boolean anyClear(Node node, SchemaNode schema) {
        for (Node c : node.children()) {
            Optional<SchemaNode> cs = Schema.named(schema.children(), c.name());
            if (cs.isEmpty()) continue;
            if (isSecret(cs.get())) {
                if (!c.values().isEmpty() && !JunosSecret.isEncoded(c.values().getFirst())) return true;
            } else if (anyClear(c, cs.get())) {
                return true;
            }
        }
        return false;
    }
}
