package io.sallyport.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A command line split at its pipes: {@code show | compare | display set | match ike | count}.
 * Display and compare pipes change what the command renders; match, except, find, last, trim and
 * count filter the rendered text, in order, as Junos applies them.
 */
public record Pipeline(String command, Optional<Display> display, Optional<Compare> compare, List<Filter> filters) {

    public Pipeline {
        filters = List.copyOf(filters);
    }

    /** {@code | compare}: against the active configuration, or {@code | compare rollback N}: against commit N. */
    public record Compare(OptionalInt rollback) {
        static final Compare ACTIVE = new Compare(OptionalInt.empty());
    }

    /** {@code | display FORM}. */
    public enum Display {
        SET, JSON, XML;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** A text filter applied to the command's output. */
    public sealed interface Filter {
        List<String> apply(List<String> lines);
    }

    public record Match(Pattern pattern) implements Filter {
        @Override public List<String> apply(List<String> lines) {
            return lines.stream().filter(l -> pattern.matcher(l).find()).toList();
        }
    }

    public record Except(Pattern pattern) implements Filter {
        @Override public List<String> apply(List<String> lines) {
            return lines.stream().filter(l -> !pattern.matcher(l).find()).toList();
        }
    }

    /** Junos prints the count instead of the lines. */
    public record Count() implements Filter {
        @Override public List<String> apply(List<String> lines) {
            return List.of("Count: " + lines.size() + " lines");
        }
    }

    /** {@code | find RE}: the output from the first line that matches on. */
    public record Find(Pattern pattern) implements Filter {
        @Override public List<String> apply(List<String> lines) {
            for (int i = 0; i < lines.size(); i++) if (pattern.matcher(lines.get(i)).find()) return lines.subList(i, lines.size());
            return List.of();
        }
    }

    /** {@code | last N}: the last N lines. */
    public record Last(int count) implements Filter {
        @Override public List<String> apply(List<String> lines) {
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        }
    }

    /** {@code | trim N}: each line without its first N characters. */
    public record Trim(int columns) implements Filter {
        @Override public List<String> apply(List<String> lines) {
            return lines.stream().map(l -> l.length() <= columns ? "" : l.substring(columns)).toList();
        }
    }

    /** {@code | no-more}: the text is left as it is; the interactive runner does not page it ({@link Shell#pages}). */
    public record NoMore() implements Filter {
        @Override public List<String> apply(List<String> lines) { return lines; }
    }

    /** The pipes a person may type, for {@code ?} help after a {@code |}. */
    public static final List<HelpLine> PIPES = List.of(
            new HelpLine("compare", "Compare configuration changes with prior version"),
            new HelpLine("count", "Count occurrences"),
            new HelpLine("display", "Show additional kinds of information"),
            new HelpLine("except", "Show only text that does not match a pattern"),
            new HelpLine("find", "Search for first occurrence of pattern"),
            new HelpLine("last", "Display end of output only"),
            new HelpLine("match", "Show only text that matches a pattern"),
            new HelpLine("no-more", "Don't paginate output"),
            new HelpLine("trim", "Trim specified number of columns from start of line"));

    /** Splits a line at its pipes; the error is what the shell prints. */
    public static Result parse(String line) {
        List<String> parts = splitAtPipes(line);
        Optional<Display> display = Optional.empty();
        Optional<Compare> compare = Optional.empty();
        List<Filter> filters = new ArrayList<>();
        for (String part : parts.subList(1, parts.size())) {
            Words w = Words.of(part);
            String verb = w.first();
            switch (verb) {
                case "compare" -> {
                    if (w.size() == 1) {
                        compare = Optional.of(Compare.ACTIVE);
                    } else if (w.size() == 3 && w.get(1).equals("rollback") && w.get(2).matches("\\d{1,2}")
                            && Integer.parseInt(w.get(2)) < 50) {
                        compare = Optional.of(new Compare(OptionalInt.of(Integer.parseInt(w.get(2)))));
                    } else {
                        return Result.error("syntax error, expecting 'rollback <number>' (0..49) after 'compare'"
                                + (w.size() > 1 ? ": " + String.join(" ", w.from(1)) : ""));
                    }
                }
                case "display" -> {
                    if (w.size() != 2) return Result.error("syntax error, expecting <set>, <json> or <xml>");
                    switch (w.get(1)) {
                        case "set" -> display = Optional.of(Display.SET);
                        case "json" -> display = Optional.of(Display.JSON);
                        case "xml" -> display = Optional.of(Display.XML);
                        default -> { return Result.error("syntax error, expecting <set>, <json> or <xml>: " + w.get(1)); }
                    }
                }
                case "last", "trim" -> {
                    if (w.size() != 2 || !w.get(1).matches("\\d{1,6}") || Integer.parseInt(w.get(1)) < (verb.equals("last") ? 1 : 0)) {
                        return Result.error("syntax error, expecting <number> after '" + verb + "'"
                                + (w.size() > 1 ? ": " + String.join(" ", w.from(1)) : ""));
                    }
                    int n = Integer.parseInt(w.get(1));
                    filters.add(verb.equals("last") ? new Last(n) : new Trim(n));
                }
                case "match", "except", "find" -> {
                    if (w.size() < 2) return Result.error("syntax error, expecting <pattern>");
                    String regex = String.join(" ", w.from(1));
                    Pattern p;
                    try {
                        p = Pattern.compile(regex);
                    } catch (PatternSyntaxException e) {
                        return Result.error("error: invalid regular expression '" + regex + "': " + e.getDescription());
                    }
                    filters.add(switch (verb) {
                        case "match" -> new Match(p);
                        case "except" -> new Except(p);
                        default -> new Find(p);
                    });
                }
                case "count" -> filters.add(new Count());
                case "no-more" -> filters.add(new NoMore());
                default -> { return Result.error("syntax error, expecting <pipe-command>: " + (verb.isEmpty() ? "|" : verb)); }
            }
        }
        return new Result(new Pipeline(parts.getFirst().strip(), display, compare, filters), null);
    }

    /** Runs the text filters over the command's output. */
    public String filter(String output) {
        if (filters.isEmpty()) return output;
        List<String> lines = output.isEmpty() ? List.of() : List.of(output.split("\n", -1));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) lines = lines.subList(0, lines.size() - 1);
        for (Filter f : filters) lines = f.apply(lines);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /** Splits at {@code |} outside double quotes. */
    static List<String> splitAtPipes(String line) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) quoted = !quoted;
            if (c == '|' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    /** Either a pipeline or the error to print. */
    public record Result(Pipeline pipeline, String error) {
        static Result error(String error) { return new Result(null, error); }
    }
}
