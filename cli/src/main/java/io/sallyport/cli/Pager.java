package io.sallyport.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * Output longer than the screen, a screenful at a time, the Junos way: {@code ---(more)---} after
 * each page; Space shows the next page, Enter (or {@code j}) one more line, {@code G} the rest,
 * {@code q} or Ctrl-C stops. {@code | no-more} and non-terminals never page (the runner decides).
 */
final class Pager {
    static final String MORE = "---(more)---";

    /** The next key typed, or -1 at end of input. */
    @FunctionalInterface
    interface Keys {
        int read() throws IOException;
    }

    private final java.util.function.IntSupplier height;
    private final Keys keys;
    private final PrintWriter out;

    /** @param height the terminal's rows now (it may be resized); below 2 nothing is paged (a dumb terminal reports 0) */
    Pager(java.util.function.IntSupplier height, Keys keys, PrintWriter out) {
        this.height = height;
        this.keys = keys;
        this.out = out;
    }

    void print(String text) {
        List<String> lines = text.lines().toList();
        int rows = height.getAsInt();
        int page = rows - 1;
        if (rows < 2 || lines.size() <= page) {
            out.print(text);
            out.flush();
            return;
        }
        int shown = 0;
        int next = page;
        while (true) {
            for (; shown < Math.min(next, lines.size()); shown++) out.println(lines.get(shown));
            if (shown == lines.size()) break;
            out.print(MORE);
            out.flush();
            int key = readKey();
            out.print("\r" + " ".repeat(MORE.length()) + "\r");
            switch (key) {
                case ' ', 'f' -> next = shown + page;
                case '\r', '\n', 'j' -> next = shown + 1;
                case 'G' -> next = lines.size();
                case 'q', 'Q', 3, -1 -> {
                    out.flush();
                    return;
                }
                default -> next = shown;  // any other key: ask again
            }
        }
        out.flush();
    }

    private int readKey() {
        try {
            return keys.read();
        } catch (IOException e) {
            return -1;
        }
    }
}
