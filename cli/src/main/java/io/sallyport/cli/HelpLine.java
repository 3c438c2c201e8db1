package io.sallyport.cli;

import java.util.List;

/** One line of {@code ?} help: a word (or a placeholder such as {@code <name>}) and what it does. */
public record HelpLine(String word, String help) {

    /** Junos lays help out as two blanks, the word in a 20-column field, a blank and the text. */
    public String render() {
        return help.isEmpty() ? "  " + word : String.format("  %-20s %s", word, help);
    }

    /** The whole {@code Possible completions:} block. */
    public static String render(List<HelpLine> lines) {
        StringBuilder sb = new StringBuilder("Possible completions:\n");
        for (HelpLine l : lines) sb.append(l.render()).append('\n');
        return sb.toString();
    }
}
