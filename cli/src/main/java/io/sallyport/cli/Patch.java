package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code load patch}: a text in the {@code show | compare} form applied to a tree. Each {@code
 * [edit ...]} header names a level; its {@code -} statements are taken out (they must be there as
 * written) and its {@code +} statements merged in; other lines are context. Also the
 * brace-form wrapping {@code load ... relative} and {@code load patch} need.
 */
final class Patch {
    private Patch() {}

    /** Why a patch does not apply, with the 1-based line of the text at fault. */
    static final class Refused extends Exception {
        Refused(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    /** {@code text} (brace form) wrapped in the statements of {@code level}, so it reads as a whole configuration. */
    static String underLevel(List<PathElement> level, String text) {
        if (level.isEmpty()) return text;
        return String.join(" ", ConfigEditor.words(level).stream().map(Words::quote).toList()) + " {\n" + text + "\n}\n";
    }

    static Node apply(Node tree, String text, List<PathElement> base) throws Refused {
        List<String> lines = text.lines().toList();
        Node out = tree;
        List<PathElement> level = null;
        int sectionAt = 0;
        StringBuilder removed = new StringBuilder();
        StringBuilder added = new StringBuilder();
        for (int n = 0; n <= lines.size(); n++) {
            String line = n < lines.size() ? lines.get(n) : null;
            if (line == null || line.startsWith("[edit")) {
                if (level != null) out = section(out, level, removed.toString(), added.toString(), sectionAt);
                removed.setLength(0);
                added.setLength(0);
                if (line == null) break;
                if (!line.strip().endsWith("]")) throw new Refused(n + 1, "a header is '[edit STATEMENT...]'");
                String words = line.strip().substring("[edit".length(), line.strip().length() - 1);
                try {
                    level = words.isBlank() ? base : ConfigEditor.editLevel(base, words);
                } catch (ConfigSyntaxException e) {
                    throw new Refused(n + 1, e.detail());
                }
                sectionAt = n + 1;
            } else if (line.startsWith("-") || line.startsWith("+")) {
                if (level == null) throw new Refused(n + 1, "a change before the first [edit ...] header");
                (line.startsWith("-") ? removed : added).append(line.substring(1)).append('\n');
            } else if (!line.isBlank() && level == null) {
                throw new Refused(n + 1, "expecting an [edit ...] header, as 'show | compare' prints");
            }
        }
        return out;
    }

    private static Node section(Node tree, List<PathElement> level, String removed, String added, int line) throws Refused {
        Node out = tree;
        try {
            if (!removed.isBlank()) {
                Node gone = ConfigText.parseBraces(underLevel(level, removed)).at(level).orElse(Node.root());
                for (Node statement : gone.children()) out = remove(out, level, statement, line);
            }
            if (!added.isBlank()) {
                Node more = ConfigText.parseBraces(underLevel(level, added));
                out = ConfigText.applySetCommands(out, ConfigPrinter.setCommands(more));
            }
        } catch (ConfigSyntaxException e) {
            throw new Refused(line, e.getMessage());
        }
        return out;
    }

    /** {@code tree} without {@code statement} (a child of {@code level}), which must be there as the patch says. */
    private static Node remove(Node tree, List<PathElement> level, Node statement, int line) throws Refused, ConfigSyntaxException {
        List<PathElement> path = new ArrayList<>(level);
        path.add(PathElement.of(statement));
        Optional<Node> present = tree.at(path);
        Optional<SchemaNode> schema = Schema.nodeAt(path);
        String words = String.join(" ", ConfigEditor.words(path).stream().map(Words::quote).toList());
        boolean leafList = schema.isPresent() && schema.get() instanceof SchemaNode.LeafList;
        boolean leaf = schema.isPresent() && schema.get() instanceof SchemaNode.Leaf;
        if (present.isEmpty() || leafList && !present.get().values().containsAll(statement.values())
                || leaf && !present.get().values().equals(statement.values())) {
            throw new Refused(line, "the statement to remove is not there as written: " + words);
        }
        if (leafList) {
            return ConfigEditor.delete(tree, List.of(), words + " [ " + String.join(" ", statement.values().stream().map(Words::quote).toList()) + " ]");
        }
        return ConfigEditor.delete(tree, List.of(), words);
    }
}
