package io.sallyport.cli;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A command line split at its pipes: {@code show | compare | display set | match ike | count}.
 * Display and compare pipes change what the command renders; match, except, find, last, trim,
 * resolve and count filter the rendered text, in order, as Junos applies them.
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

    /**
     * {@code | display inheritance}: the configuration with what it inherits from {@code groups}
     * shown in place. Sallyport's schema has no {@code groups} or {@code apply-groups}, so nothing
     * is inherited and the configuration shows as it is.
     */
    public record Inheritance() implements Filter {
        @Override public List<String> apply(List<String> lines) { return lines; }
    }

    /**
     * {@code | resolve [full-names]}: each IPv4 address in the output replaced by its host name
     * (reverse lookup through the host's resolver; an address without a name stays). As on Junos, a
     * name is cut to the width of the address it replaces unless {@code full-names} is given, so
     * columns stay where they were.
     */
    public record Resolve(boolean fullNames, Function<String, Optional<String>> names) implements Filter {
        private static final Pattern ADDRESS = Pattern.compile("(?<![\\d.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\d.]|/\\d)");

        /** The host's resolver: the name it gives, or nothing when it gives back the address. */
        static Optional<String> reverseLookup(String address) {
            try {
                String name = InetAddress.ofLiteral(address).getCanonicalHostName();
                return name.equals(address) ? Optional.empty() : Optional.of(name);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        @Override public List<String> apply(List<String> lines) {
            Map<String, Optional<String>> seen = new HashMap<>();
            return lines.stream().map(l -> ADDRESS.matcher(l).replaceAll(m -> {
                String address = m.group(1);
                Optional<String> name = seen.computeIfAbsent(address, names);
                String shown = name.map(n -> fullNames || n.length() <= address.length() ? n : n.substring(0, address.length()))
                        .orElse(address);
                return java.util.regex.Matcher.quoteReplacement(shown);
            })).toList();
        }
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
            new HelpLine("resolve", "Resolve IP addresses"),
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
                        case "inheritance" -> filters.add(new Inheritance());
                        case "set" -> display = Optional.of(Display.SET);
                        case "json" -> display = Optional.of(Display.JSON);
                        case "xml" -> display = Optional.of(Display.XML);
                        default -> { return Result.error("syntax error, expecting <set>, <json>, <xml> or <inheritance>: " + w.get(1)); }
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
                case "resolve" -> {
                    if (w.size() > 2 || (w.size() == 2 && !w.get(1).equals("full-names"))) {
                        return Result.error("syntax error, expecting <full-names>: " + w.get(1));
                    }
                    filters.add(new Resolve(w.size() == 2, Resolve::reverseLookup));
                }
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
