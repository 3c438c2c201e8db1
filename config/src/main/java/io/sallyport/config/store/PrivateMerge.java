package io.sallyport.config.store;

import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code configure private} at commit: the private copy's changes (from the configuration it began
 * with) are replayed onto what has been committed since, unless both touched the same statement.
 * Changes are compared as set-form lines; a statement is a line without its last word (the value),
 * so two different values for one leaf, or one side changing what the other deleted at the same
 * place, conflict. The replay is checked: applied to the base it must give the private copy exactly,
 * otherwise the change is treated as a conflict rather than merged approximately.
 */
public final class PrivateMerge {

    /** The outcome: the tree to commit, or the private statements that conflict. */
    public sealed interface Result {
        record Merged(Node tree) implements Result {}

        record Conflict(List<String> statements) implements Result {}
    }

    private PrivateMerge() {}

    public static Result merge(Node base, Node mine, Node theirs) {
        if (theirs.equals(base)) return new Result.Merged(mine);
        if (mine.equals(base)) return new Result.Merged(theirs);
        Set<String> b = lines(base);
        Set<String> m = lines(mine);
        Set<String> t = lines(theirs);
        List<String> myRemoved = minus(b, m);
        List<String> myAdded = minus(m, b);
        Set<String> theirStatements = new LinkedHashSet<>();
        for (String line : minus(b, t)) theirStatements.add(statement(line));
        for (String line : minus(t, b)) theirStatements.add(statement(line));
        List<String> conflicts = new ArrayList<>();
        for (String line : concat(myRemoved, myAdded)) {
            if (theirStatements.contains(statement(line)) && !conflicts.contains(statement(line))) conflicts.add(statement(line));
        }
        if (!conflicts.isEmpty()) return new Result.Conflict(conflicts);
        StringBuilder commands = new StringBuilder();
        for (String line : myRemoved) {
            commands.append(line.startsWith("set ") ? "delete " + line.substring(4) : "activate " + line.substring("deactivate ".length()))
                    .append('\n');
        }
        for (String line : myAdded) if (line.startsWith("set ")) commands.append(line).append('\n');
        for (String line : myAdded) if (line.startsWith("deactivate ")) commands.append(line).append('\n');
        try {
            if (!ConfigText.applySetCommands(base, commands.toString()).equals(mine)) {
                return new Result.Conflict(List.copyOf(myAdded.isEmpty() ? myRemoved : myAdded));
            }
            return new Result.Merged(ConfigText.applySetCommands(theirs, commands.toString()));
        } catch (ConfigSyntaxException e) {
            return new Result.Conflict(List.copyOf(concat(myRemoved, myAdded)));
        }
    }

    private static Set<String> lines(Node tree) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : ConfigPrinter.setCommands(tree).split("\n")) if (!line.isBlank()) out.add(line);
        return out;
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        List<String> out = new ArrayList<>();
        for (String s : a) if (!b.contains(s)) out.add(s);
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The statement a set-form line changes: its words after the verb, without the last one. */
    static String statement(String line) {
        String body = line.substring(line.indexOf(' ') + 1);
        List<Integer> cuts = new ArrayList<>();
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                cuts.add(i);
            }
        }
        return cuts.isEmpty() ? body : body.substring(0, cuts.getLast());
    }
}
