package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * What may come next in a configuration statement path, from config's {@link Schema#expect}: the
 * statements allowed there with their help text, or the value a statement wants (an
 * enumeration's keywords, else a placeholder such as {@code <180..86400>}); for a list key, also
 * the entries the candidate already has. Feeds both {@code ?} help and TAB completion.
 */
final class SchemaGuide {

    static final HelpLine ENTER = new HelpLine("<[Enter]>", "Execute this command");

    private SchemaGuide() {}

    /**
     * The help lines for the word after {@code typed}, at edit level {@code base}; empty when
     * {@code typed} leaves the schema (the command itself will report why).
     */
    static List<HelpLine> next(List<PathElement> base, List<String> typed, Node candidate) {
        return next(base, typed, candidate, References.NONE);
    }

    /** {@link #next(List, List, Node)}, with the names a reference may take ({@code ike-policy ?} lists the policies). */
    static List<HelpLine> next(List<PathElement> base, List<String> typed, Node candidate, References references) {
        List<String> words = new ArrayList<>(ConfigEditor.words(base));
        words.addAll(typed);
        Schema.Expectation expected;
        try {
            expected = Schema.expect(words);
        } catch (ConfigSyntaxException e) {
            return List.of();
        }
        return switch (expected) {
            case Schema.Expectation.Statements s when s.choices().isEmpty() -> List.of(ENTER);
            case Schema.Expectation.Statements s -> {
                List<HelpLine> out = new ArrayList<>(s.choices().stream().map(h -> new HelpLine(h.name(), h.help())).toList());
                out.addAll(keylessEntries(base, typed, s.choices(), candidate));
                yield out;
            }
            case Schema.Expectation.Value v -> {
                List<HelpLine> out = new ArrayList<>(valueHelp(v.type(), v.help()));
                List<String> names = new ArrayList<>(existingKeys(base, typed, v.statement(), candidate));
                names.addAll(references.defined(words, v.statement(), candidate));
                for (String key : names) {
                    if (out.stream().noneMatch(h -> h.word().equals(key))) out.add(new HelpLine(key, ""));
                }
                yield out;
            }
        };
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

    private static List<HelpLine> valueHelp(ValueType type, String help) {
        if (type instanceof ValueType.Enumeration e) return e.values().stream().map(v -> new HelpLine(v, "")).toList();
        return List.of(new HelpLine(type.placeholder(), help));
    }

    /**
     * The entries of keyless lists (interface names, routing-instance names) the candidate holds
     * at the level the words name: they stand where the list's placeholder does.
     */
    private static List<HelpLine> keylessEntries(List<PathElement> base, List<String> typed, List<Schema.HelpEntry> choices,
                                                 Node candidate) {
        List<PathElement> level;
        try {
            level = typed.isEmpty() ? base : ConfigEditor.editLevel(base, String.join(" ", typed.stream().map(Words::quote).toList()));
        } catch (ConfigSyntaxException e) {
            return List.of();
        }
        List<String> named = choices.stream().map(Schema.HelpEntry::name).toList();
        List<HelpLine> out = new ArrayList<>();
        candidate.at(level).ifPresent(n -> n.children().stream()
                .filter(c -> c.key() != null && !named.contains(c.name()))
                .forEach(c -> out.add(new HelpLine(c.key(), ""))));
        return out;
    }

    /**
     * Keys of the entries of list {@code list} that the candidate holds where the typed words
     * point: under the level the words name (a keyless list, such as interface names), or under
     * the level before the list's own keyword ({@code service-set} S1).
     */
    private static List<String> existingKeys(List<PathElement> base, List<String> typed, String list, Node candidate) {
        List<String> keys = new ArrayList<>();
        for (int drop = 0; drop <= Math.min(1, typed.size()); drop++) {
            List<String> parentWords = typed.subList(0, typed.size() - drop);
            List<PathElement> parent;
            try {
                parent = parentWords.isEmpty() ? base
                        : ConfigEditor.editLevel(base, String.join(" ", parentWords.stream().map(Words::quote).toList()));
            } catch (ConfigSyntaxException e) {
                continue;
            }
            candidate.at(parent).ifPresent(n -> n.all(list).stream().filter(entry -> entry.key() != null)
                    .forEach(entry -> keys.add(entry.key().split(" ")[0])));
            if (!keys.isEmpty()) break;
        }
        return keys;
    }
}
