package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code ---(more)---} paging (issue 17 item 8); the terminal side is in {@code TerminalEndToEndTest}. */
class PagerTest {
    private static final String ERASE = "\r" + " ".repeat(Pager.MORE.length()) + "\r";
    private static final String TEN = IntStream.rangeClosed(1, 10).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());

    private static String page(int height, String text, Integer... keys) {
        Deque<Integer> typed = new ArrayDeque<>(List.of(keys));
        StringWriter out = new StringWriter();
        new Pager(() -> height, () -> typed.isEmpty() ? -1 : typed.pop(), new PrintWriter(out)).print(text);
        return out.toString();
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    @Test
    void shortOutputAndDumbTerminalsAreNotPaged() {
        assertEquals(TEN, page(11, TEN));
        assertEquals(TEN, page(0, TEN), "a dumb terminal reports no height");
    }

    @Test
    void spaceShowsTheNextPageEnterOneLineQuitStops() {
        assertEquals(lines(1, 4) + Pager.MORE + ERASE + lines(5, 8) + Pager.MORE + ERASE + lines(9, 10), page(5, TEN, (int) ' ', (int) ' '));
        assertEquals(lines(1, 4) + Pager.MORE + ERASE + lines(5, 5) + Pager.MORE + ERASE, page(5, TEN, (int) '\r', (int) 'q'));
        assertEquals(lines(1, 4) + Pager.MORE + ERASE + lines(5, 10), page(5, TEN, (int) 'G'));
        assertEquals(lines(1, 4) + Pager.MORE + ERASE, page(5, TEN), "end of input stops");
        assertEquals(lines(1, 4) + Pager.MORE + ERASE + Pager.MORE + ERASE, page(5, TEN, (int) 'x', 3), "other keys ask again; Ctrl-C stops");
    }
}
