package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rename A to B} and {@code copy A to B} on the tree: a list entry (a named proposal,
 * policy, gateway, service set...) given a new name in the same list, in its place for rename,
 * after the original for copy. References to the old name are left as they are, as on Junos;
 * commit's checks catch the ones that now point nowhere.
 */
final class ListEntryMove {
    private ListEntryMove() {}

    /** {@code root} with the entry at {@code from} renamed (or copied, when {@code keep}) to {@code to}'s key. */
    static Node apply(Node root, List<PathElement> from, PathElement to, boolean keep) {
        Node entry = root.at(from).orElseThrow();
        Node renamed = new Node(entry.name(), to.key(), entry.values(), entry.inactive(), entry.children());
        return under(root, from.subList(0, from.size() - 1), parent -> {
            List<Node> children = new ArrayList<>();
            for (Node c : parent.children()) {
                if (c.is(entry.name(), entry.key())) {
                    if (keep) children.add(c);
                    children.add(renamed);
                } else {
                    children.add(c);
                }
            }
            return parent.withChildren(children);
        });
    }

    /** {@code n} with the node at {@code path} replaced through {@code f}. */
    static Node under(Node n, List<PathElement> path, java.util.function.UnaryOperator<Node> f) {
        if (path.isEmpty()) return f.apply(n);
        PathElement head = path.getFirst();
        return n.mapChild(head.name(), head.key(), c -> under(c, path.subList(1, path.size()), f));
    }
}
