package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import java.util.List;
import java.util.Optional;

/**
 * What {@code show STATEMENT...} (and {@code show configuration STATEMENT...}) shows: a level, or,
 * when the words end in a list's keyword without a name ({@code show services service-set}),
 * every entry of that list at its level.
 *
 * @param level where the statements shown are
 * @param list  the list whose entries alone are shown there, if the words named one
 */
record Shown(List<PathElement> level, Optional<String> list) {

    static Shown level(List<PathElement> level) {
        return new Shown(level, Optional.empty());
    }

    /** The statements {@code words} name from {@code base}; the edit-level error when they name none. */
    static Shown of(List<PathElement> base, String words) throws ConfigSyntaxException {
        try {
            return level(ConfigEditor.editLevel(base, words));
        } catch (ConfigSyntaxException e) {
            List<String> w = Words.of(words).words();
            try {
                String stripped = words.stripTrailing();
                List<PathElement> parent = w.size() == 1 ? base : ConfigEditor.editLevel(base, stripped.substring(0, stripped.lastIndexOf(' ')));
                Optional<SchemaNode> list = Schema.nodeAt(parent).flatMap(s -> Schema.named(s.children(), w.getLast()));
                if (list.isPresent() && list.get() instanceof SchemaNode.ListNode l && !l.keyless()) {
                    return new Shown(parent, Optional.of(l.name()));
                }
            } catch (ConfigSyntaxException | RuntimeException notAList) {
                // the words name no list either: the first error says what is wrong
            }
            throw e;
        }
    }

    /** {@code tree} with the level holding only the list's entries when a list is shown; as it is otherwise. */
    Node restrict(Node tree) {
        if (list.isEmpty() || tree.at(level).isEmpty()) return tree;
        return ListEntryMove.under(tree, level, n -> n.withChildren(n.all(list.get())));
    }
}
