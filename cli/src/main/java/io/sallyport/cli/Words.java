package io.sallyport.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of one command line as the shell sees them: split on blanks, a double-quoted string
 * is one word (quotes removed, {@code \"} kept as a quote). {@code starts} holds each word's column
 * in the line so errors can put a caret under the word at fault, as Junos does.
 *
 * @param trailingBlank the line ends in a blank, so completion offers the next word, not the end of the last one
 */
public record Words(List<String> words, List<Integer> starts, boolean trailingBlank) {

    public Words {
        words = List.copyOf(words);
        starts = List.copyOf(starts);
    }

    public static Words of(String line) {
        List<String> out = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            starts.add(i);
            StringBuilder w = new StringBuilder();
            if (c == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < n) i++;
                    w.append(line.charAt(i++));
                }
                i++;
            } else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) w.append(line.charAt(i++));
            }
            out.add(w.toString());
        }
        boolean trailing = n > 0 && Character.isWhitespace(line.charAt(n - 1));
        return new Words(out, starts, trailing || n == 0);
    }

    public int size() { return words.size(); }

    public String get(int i) { return words.get(i); }

    public String first() { return words.isEmpty() ? "" : words.getFirst(); }

    /** The words from {@code from} on. */
    public List<String> from(int from) { return words.subList(Math.min(from, words.size()), words.size()); }

    /** Quotes a word again for echoing it back in a command ({@code "my key"}). */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '"' || ch == ';'
                || ch == '{' || ch == '}' || ch == '#')) {
            return word;
        }
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
