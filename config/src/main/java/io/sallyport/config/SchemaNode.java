package io.sallyport.config;

import java.util.List;

/**
 * One statement of the schema. A statement is a container ({@code services { ... }}), a list whose
 * entries carry a key ({@code service-set S1 { ... }}), a leaf with one value, a leaf-list with
 * several ({@code proposals [ a b ];}) or a flag ({@code no-anti-replay;}).
 *
 * <p>{@code choice} names a group of siblings of which only one may be present: setting one removes
 * the others, as Junos does for choices such as {@code pre-shared-key (ascii-text | hexadecimal)}.
 */
public sealed interface SchemaNode {

    String name();

    String help();

    String choice();

    /** Children of a container or list entry; empty for leaves and flags. */
    default List<SchemaNode> children() { return List.of(); }

    /**
     * @param presence the container means something on its own ({@code family inet;})
     * @param flat     printed on one line when it holds only leaves ({@code local-gateway 10.0.1.1 routing-instance a;})
     * @param collapse printed together with its single child ({@code family inet { ... }})
     */
    record Container(String name, String help, boolean presence, boolean flat, boolean collapse,
                     String choice, List<SchemaNode> children) implements SchemaNode {
        public Container { children = List.copyOf(children); }
    }

    /**
     * A list. Entries are identified by their key, which is one value or a sequence of
     * keyword/value parts ({@code allowed-proxy-pair local P remote Q}). A keyless list has no keyword
     * of its own: its entries are written as the key alone ({@code interfaces { ge-0/0/0 { ... } }}).
     */
    record ListNode(String name, String help, List<KeyPart> key, boolean keyless, boolean flat,
                    String choice, List<SchemaNode> children) implements SchemaNode {
        public ListNode { key = List.copyOf(key); children = List.copyOf(children); }
    }

    /** One part of a list key: an optional keyword followed by a value. */
    record KeyPart(String keyword, ValueType type) {}

    /** A leaf; {@code positional} leaves are written without their name ({@code local-gateway 10.0.1.1}). */
    record Leaf(String name, String help, ValueType type, String defaultValue, boolean positional,
                String choice) implements SchemaNode {}

    record LeafList(String name, String help, ValueType type, String choice) implements SchemaNode {}

    record Flag(String name, String help, String choice) implements SchemaNode {}
}
