package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code ?} help and TAB completion for the line typed so far, in either mode: the config
 * commands and the schema in configuration mode, the operational command words otherwise, and
 * the pipe commands after a {@code |}.
 */
final class Assist {

    static final List<HelpLine> CONFIG_COMMANDS = List.of(
            new HelpLine("activate", "Remove the inactive tag from a statement"),
            new HelpLine("annotate", "Annotate the statement with a comment"),
            new HelpLine("commit", "Commit current set of changes"),
            new HelpLine("copy", "Copy a statement"),
            new HelpLine("deactivate", "Add the inactive tag to a statement"),
            new HelpLine("delete", "Delete a data element"),
            new HelpLine("edit", "Edit a sub-element"),
            new HelpLine("exit", "Exit from this level"),
            new HelpLine("help", "List the commands of this mode"),
            new HelpLine("insert", "Insert a new ordered data element"),
            new HelpLine("load", "Load configuration from a file"),
            new HelpLine("quit", "Quit from this level"),
            new HelpLine("rename", "Rename a statement"),
            new HelpLine("replace", "Replace character string in configuration"),
            new HelpLine("rollback", "Roll back to previous committed configuration"),
            new HelpLine("run", "Run an operational-mode command"),
            new HelpLine("save", "Save configuration to a file"),
            new HelpLine("set", "Set a parameter"),
            new HelpLine("show", "Show a parameter"),
            new HelpLine("status", "Show users currently editing configuration"),
            new HelpLine("top", "Exit to top level of configuration"),
            new HelpLine("up", "Exit one level of configuration"),
            new HelpLine("update", "Update private database"),
            new HelpLine("wildcard", "Wildcard operations"));

    private static final List<HelpLine> COMMIT_OPTIONS = List.of(
            SchemaGuide.ENTER,
            new HelpLine("and-quit", "Quit configuration mode if commit succeeds"),
            new HelpLine("check", "Check correctness of syntax; do not apply changes"),
            new HelpLine("comment", "Message to write to commit log"),
            new HelpLine("confirmed", "Automatically rollback if not confirmed"));

    private static final List<HelpLine> LOAD_OPTIONS = List.of(
            new HelpLine("merge", "Merge contents with existing configuration"),
            new HelpLine("override", "Override existing configuration"),
            new HelpLine("patch", "Load patch file into configuration"),
            new HelpLine("replace", "Replace configuration data"),
            new HelpLine("set", "Execute set of commands on existing configuration"),
            new HelpLine("update", "Update existing configuration"));

    private static final List<HelpLine> DISPLAY_FORMS = List.of(
            new HelpLine("inheritance", "Show inherited configuration data and source group"),
            new HelpLine("json", "Show output in JSON format"),
            new HelpLine("set", "Show 'set' commands that create configuration"),
            new HelpLine("xml", "Show output in XML format"));

    private final OperationalCatalog catalog = new OperationalCatalog();
    private final ShellState state;
    private final ConfigSession config;

    private final References references;
    private ShellExtension extension = ShellExtension.NONE;

    void extension(ShellExtension extension) {
        this.extension = extension;
    }

    /** The log files {@code show log}, {@code file show} and {@code monitor} may name, for {@code ?} and TAB. */
    private Supplier<List<String>> logFiles = List::of;

    void logFiles(Supplier<List<String>> files) {
        this.logFiles = files;
    }

    Assist(ShellState state, ConfigSession config, References references) {
        this.state = state;
        this.config = config;
        this.references = references;
    }

    /**
     * The {@code ?} listing for the line typed before the question mark, sorted the Junos way:
     * {@code <[Enter]>} first, then value placeholders, then keywords alphabetically.
     */
    List<HelpLine> help(String line) {
        Words w = Words.of(line);
        List<String> typed = new ArrayList<>(w.words());
        String partial = w.trailingBlank() || typed.isEmpty() ? "" : typed.removeLast();
        List<HelpLine> out = new ArrayList<>();
        for (HelpLine h : options(line, typed)) {
            if (h.word().startsWith(partial) || partial.isEmpty()) out.add(h);
        }
        out.sort(Comparator.comparingInt(Assist::rank).thenComparing(Assist::numbersInOrder).thenComparing(HelpLine::word));
        return out;
    }

    /** Rollback indexes (all digits) sort by value, so 2 comes before 10. */
    private static long numbersInOrder(HelpLine h) {
        return h.word().matches("\\d{1,9}") ? Long.parseLong(h.word()) : -1;
    }

    private static int rank(HelpLine h) {
        if (h.equals(SchemaGuide.ENTER)) return 0;
        return h.word().startsWith("<") || h.word().startsWith("(") ? 1 : 2;
    }

    /** A line with its keywords spelled out, or the first word that abbreviates several keywords. */
    sealed interface Expansion {
        String line();

        record Spelled(String line) implements Expansion { }

        /** {@code column} is where {@code word} starts in {@code line}. */
        record Ambiguous(String line, int column, String word, List<HelpLine> candidates) implements Expansion { }
    }

    /**
     * Spells out every keyword typed as an unambiguous prefix ({@code sh conf} is {@code show
     * configuration}), as Junos accepts. Only words where nothing but keywords may stand are
     * expanded: a prefix of an existing list key may be a new key, so it stays as typed.
     */
    Expansion expand(String line) {
        Words w = Words.of(line);
        StringBuilder out = new StringBuilder();
        List<String> done = new ArrayList<>();
        int copied = 0;
        for (int i = 0; i < w.size(); i++) {
            int at = w.starts().get(i);
            String word = w.get(i);
            if (line.charAt(at) == '"') {
                done.add(word);
                continue;
            }
            List<HelpLine> matches = keywordMatches(options(out + line.substring(copied, at), done), word);
            if (matches.size() > 1) {
                int column = out.length() + (at - copied);
                return new Expansion.Ambiguous(out.append(line.substring(copied)).toString(), column, word, matches);
            }
            String spelled = matches.size() == 1 ? matches.getFirst().word() : word;
            if (!spelled.equals(word)) {
                out.append(line, copied, at).append(spelled);
                copied = at + word.length();
            }
            done.add(spelled);
        }
        return new Expansion.Spelled(out.append(line.substring(copied)).toString());
    }

    /** The keywords {@code word} abbreviates; none when it is a keyword itself or a value may stand here. */
    private static List<HelpLine> keywordMatches(List<HelpLine> options, String word) {
        boolean valuesAllowed = options.stream().anyMatch(h -> !h.equals(SchemaGuide.ENTER)
                && (h.word().startsWith("<") || h.word().startsWith("(")));
        if (valuesAllowed || options.stream().anyMatch(h -> h.word().equals(word))) return List.of();
        List<String> words = SchemaGuide.completions(options, word);
        return options.stream().filter(h -> words.contains(h.word())).sorted(Comparator.comparing(HelpLine::word)).toList();
    }

    /**
     * The keyword the last, partial word of {@code line} stands for, when it abbreviates exactly
     * one and nothing but keywords may stand there (a value, such as a new name, is never
     * completed): what the Space key completes.
     */
    java.util.Optional<String> keywordCompletion(String line) {
        Words w = Words.of(line);
        if (w.trailingBlank() || w.size() == 0 || line.charAt(w.starts().getLast()) == '"') return java.util.Optional.empty();
        List<String> typed = w.words().subList(0, w.size() - 1);
        List<HelpLine> matches = keywordMatches(options(line.substring(0, w.starts().getLast()), typed), w.words().getLast());
        return matches.size() == 1 ? java.util.Optional.of(matches.getFirst().word()) : java.util.Optional.empty();
    }

    /** The words TAB may put in place of the last (partial) word. */
    List<String> complete(String line) {
        Words w = Words.of(line);
        List<String> typed = new ArrayList<>(w.words());
        String partial = w.trailingBlank() || typed.isEmpty() ? "" : typed.removeLast();
        return SchemaGuide.completions(options(line, typed), partial);
    }

    private List<HelpLine> options(String line, List<String> typed) {
        int pipe = typed.lastIndexOf("|");
        if (pipe < 0 && line.strip().endsWith("|")) pipe = typed.size() - 1;
        if (pipe >= 0) {
            List<String> after = typed.subList(pipe + 1, typed.size());
            if (after.isEmpty()) return Pipeline.PIPES;
            if (after.size() == 1 && after.getFirst().equals("display")) return DISPLAY_FORMS;
            if (after.getFirst().equals("compare")) {
                return after.size() == 1 ? List.of(SchemaGuide.ENTER, new HelpLine("rollback", "Compare with a rollback configuration"))
                        : after.size() == 2 && after.get(1).equals("rollback")
                        ? List.of(new HelpLine("<number>", "Numeric rollback index (0..49)")) : List.of();
            }
            if (after.size() > 1 && !List.of("match", "except", "find").contains(after.getFirst())) return List.of();
            return switch (after.getFirst()) {
                case "match", "except", "find" -> List.of(new HelpLine("<pattern>", "Pattern to match"));
                case "last" -> List.of(new HelpLine("<number>", "Number of lines to show from the end"));
                case "trim" -> List.of(new HelpLine("<number>", "Number of columns to trim"));
                case "resolve" -> List.of(SchemaGuide.ENTER, new HelpLine("full-names", "Do not truncate hostnames"));
                default -> List.of();
            };
        }
        return state.configurationMode() ? configOptions(state.level(), typed) : operationalOptions(typed);
    }

    /** {@code help}, {@code help topic}, {@code help reference STATEMENT...} (the statement words from the top). */
    private List<HelpLine> helpOptions(List<String> rest, Node tree) {
        if (rest.isEmpty()) {
            return List.of(SchemaGuide.ENTER, new HelpLine("reference", "Summary of a configuration statement and what it holds"),
                    new HelpLine("topic", "Help on a topic"));
        }
        if (rest.getFirst().equals("reference")) return withEnter(SchemaGuide.next(List.of(), rest.subList(1, rest.size()), tree));
        return List.of();
    }

    private List<HelpLine> operationalOptions(List<String> typed) {
        if (!typed.isEmpty() && typed.getFirst().equals("help")) return helpOptions(typed.subList(1, typed.size()), config.active());
        if (List.of(List.of("show", "log"), List.of("file", "show"), List.of("monitor", "start"), List.of("monitor", "stop")).contains(typed)) {
            List<HelpLine> out = new ArrayList<>(catalog.next(typed));
            logFiles.get().forEach(f -> out.add(new HelpLine(f, "")));
            return out;
        }
        if (typed.size() >= 2 && typed.get(0).equals("show") && typed.get(1).equals("configuration")) {
            return SchemaGuide.next(List.of(), typed.subList(2, typed.size()), config.active(), references);
        }
        List<HelpLine> out = new ArrayList<>(catalog.next(typed));
        for (HelpLine h : extension.next(typed)) {
            out.removeIf(o -> o.word().equals(h.word()));
            out.add(h);
        }
        return out;
    }

    /** What may follow {@code typed} in configuration mode, statements relative to {@code level}. */
    private List<HelpLine> configOptions(List<PathElement> level, List<String> typed) {
        if (typed.isEmpty()) return CONFIG_COMMANDS;
        List<String> rest = typed.subList(1, typed.size());
        return switch (typed.getFirst()) {
            case "set", "delete", "activate", "deactivate", "edit" -> SchemaGuide.next(level, rest, config.candidate(), references);
            case "rename", "copy" -> rest.contains("to") ? List.of() : SchemaGuide.next(level, rest, config.candidate(), references);
            case "annotate" -> rest.isEmpty() ? SchemaGuide.next(level, rest, config.candidate(), references)
                    : withComment(SchemaGuide.next(level, rest, config.candidate(), references));
            case "insert" -> rest.contains("before") || rest.contains("after") ? List.of()
                    : withPlaces(SchemaGuide.next(level, rest, config.candidate(), references), rest.isEmpty());
            case "wildcard" -> rest.isEmpty() ? List.of(new HelpLine("delete", "Delete matching data elements"))
                    : !rest.getFirst().equals("delete") ? List.of()
                    : withRegex(SchemaGuide.next(level, rest.subList(1, rest.size()), config.candidate(), references), rest.size() == 1);
            case "replace" -> rest.isEmpty() ? List.of(new HelpLine("pattern", "Pattern to replace"))
                    : rest.size() == 1 ? List.of(new HelpLine("<pattern>", "Regular expression to find"))
                    : rest.size() == 2 ? List.of(new HelpLine("with", "Replacement string"))
                    : rest.size() == 3 ? List.of(new HelpLine("<replacement>", "Replacement, \\1.. for the groups"))
                    : rest.size() == 4 ? List.of(SchemaGuide.ENTER, new HelpLine("upto", "Number of objects to replace"))
                    : rest.size() == 5 ? List.of(new HelpLine("<number>", "Number of objects to replace (0: all)")) : List.of(SchemaGuide.ENTER);
            case "show" -> withEnter(SchemaGuide.next(level, rest, config.candidate(), references));
            case "run" -> operationalOptions(rest);
            case "commit" -> rest.isEmpty() ? COMMIT_OPTIONS
                    : rest.equals(List.of("comment")) ? List.of(new HelpLine("<comment-string>", "Message to write to commit log"))
                    : rest.equals(List.of("confirmed")) ? List.of(SchemaGuide.ENTER,
                            new HelpLine("<number>", "Number of minutes until rollback (1..65535)"))
                    : List.of(SchemaGuide.ENTER);
            case "rollback" -> rest.isEmpty() ? rollbackOptions() : rest.size() == 1 ? List.of(SchemaGuide.ENTER) : List.of();
            case "up" -> {
                // up [N] [COMMAND]: the command runs N levels up.
                boolean counted = !rest.isEmpty() && rest.getFirst().matches("\\d{1,9}");
                int n = counted ? Math.max(1, Integer.parseInt(rest.getFirst())) : 1;
                List<String> command = counted ? rest.subList(1, rest.size()) : rest;
                List<HelpLine> out = new ArrayList<>();
                if (command.isEmpty()) {
                    out.add(SchemaGuide.ENTER);
                    if (!counted) out.add(new HelpLine("<number>", "Number of levels to move up"));
                }
                out.addAll(configOptions(level.subList(0, Math.max(0, level.size() - n)), command));
                yield out;
            }
            case "top" -> rest.isEmpty() ? withEnter(CONFIG_COMMANDS) : configOptions(List.of(), rest);
            case "exit" -> rest.isEmpty()
                    ? List.of(SchemaGuide.ENTER, new HelpLine("configuration-mode", "Exit configuration mode"))
                    : List.of(SchemaGuide.ENTER);
            case "load" -> rest.isEmpty() ? LOAD_OPTIONS
                    : rest.size() == 1 ? List.of(new HelpLine("<filename>", "Name of file to load"),
                            new HelpLine("terminal", "Use login terminal"))
                    : rest.size() == 2 && !rest.getFirst().equals("override") && !rest.getFirst().equals("update")
                            ? List.of(SchemaGuide.ENTER, new HelpLine("relative", "Load configuration relative to current edit level"))
                    : rest.size() == 2 ? List.of(SchemaGuide.ENTER) : List.of();
            case "save" -> rest.isEmpty() ? List.of(new HelpLine("<filename>", "Name of file to save to"),
                    new HelpLine("terminal", "Use login terminal")) : List.of(SchemaGuide.ENTER);
            case "help" -> helpOptions(rest, config.candidate());
            case "quit", "status", "update" -> rest.isEmpty() ? List.of(SchemaGuide.ENTER) : List.of();
            default -> List.of();
        };
    }

    /** {@code rollback ?}: the index placeholder and each stored commit with when, who and how, as Junos lists them. */
    private List<HelpLine> rollbackOptions() {
        List<HelpLine> out = new ArrayList<>();
        out.add(SchemaGuide.ENTER);
        out.add(new HelpLine("<number>", "Numeric rollback index (0..49)"));
        try {
            out.addAll(config.rollbackChoices());
        } catch (IOException e) {
            // help must not fail the line being typed; the bare placeholder still says what to type
        }
        return out;
    }

    /** {@code insert}: after a complete entry, where it goes. */
    private static List<HelpLine> withPlaces(List<HelpLine> lines, boolean first) {
        if (first) return lines;
        List<HelpLine> out = new ArrayList<>(lines);
        out.removeIf(h -> h.equals(SchemaGuide.ENTER));
        out.add(new HelpLine("before", "Insert before given data element"));
        out.add(new HelpLine("after", "Insert after given data element"));
        return out;
    }

    /** {@code annotate}: after the statement, its comment. */
    private static List<HelpLine> withComment(List<HelpLine> lines) {
        List<HelpLine> out = new ArrayList<>(lines);
        out.removeIf(h -> h.equals(SchemaGuide.ENTER));
        out.add(new HelpLine("<comment-string>", "Comment for the statement (\"\" removes it)"));
        return out;
    }

    /** {@code wildcard delete}: after the statement, the regular expression its names must match. */
    private static List<HelpLine> withRegex(List<HelpLine> lines, boolean first) {
        if (first) return lines;
        List<HelpLine> out = new ArrayList<>(lines);
        out.removeIf(h -> h.equals(SchemaGuide.ENTER));
        out.add(new HelpLine("<regular-expression>", "Names to delete (the whole name must match)"));
        return out;
    }

    private static List<HelpLine> withEnter(List<HelpLine> lines) {
        if (lines.contains(SchemaGuide.ENTER)) return lines;
        List<HelpLine> out = new ArrayList<>();
        out.add(SchemaGuide.ENTER);
        out.addAll(lines);
        return out;
    }
}
