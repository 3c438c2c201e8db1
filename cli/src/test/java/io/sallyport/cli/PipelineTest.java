package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class PipelineTest {

    private static Pipeline parse(String line) {
        Pipeline.Result r = Pipeline.parse(line);
        assertNull(r.error(), () -> "unexpected error: " + r.error());
        return r.pipeline();
    }

    @Test
    void splitsCommandFromDisplayCompareAndFilters() {
        Pipeline p = parse("show services | compare | display set | match ike | except proposal | count");
        assertEquals("show services", p.command());
        assertEquals(Optional.of(Pipeline.Compare.ACTIVE), p.compare());
        assertEquals(Optional.of(Pipeline.Display.SET), p.display());
        assertEquals(3, p.filters().size());
    }

    @Test
    void matchExceptAndCountFilterInOrder() {
        String text = "ike proposal p1\nike policy k1\nipsec proposal p2\n";
        assertEquals("ike policy k1\n", parse("x | match ike | except proposal").filter(text));
        assertEquals("Count: 2 lines\n", parse("x | match proposal | count").filter(text));
        assertEquals("Count: 0 lines\n", parse("x | match nothing | count").filter(text));
    }

    @Test
    void aPipeInsideQuotesBelongsToTheCommand() {
        Pipeline p = parse("set system host-name \"a|b\" | count");
        assertEquals("set system host-name \"a|b\"", p.command());
        assertEquals(1, p.filters().size());
    }

    @Test
    void badPipesAreReportedNotThrown() {
        assertEquals("syntax error, expecting <pipe-command>: frobnicate", Pipeline.parse("show | frobnicate").error());
        assertEquals("syntax error, expecting <set>, <json> or <xml>: html", Pipeline.parse("show | display html").error());
        assertTrue(Pipeline.parse("show | match [").error().startsWith("error: invalid regular expression"));
    }

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** Strings of {@code min} to {@code max} ASCII letters. */
    private static Gen<String> alpha(int min, int max) {
        return lists().of(integers().between(0, ALPHA.length() - 1)).ofSizeBetween(min, max)
                .map(picks -> picks.stream().map(i -> String.valueOf(ALPHA.charAt(i))).reduce("", String::concat));
    }

    @Test
    void withoutFiltersTheTextIsUntouched() {
        qt().withExamples(200).forAll(alpha(0, 40)).checkAssert(text -> assertEquals(text, parse("show").filter(text)));
    }

    @Test
    void countCountsTheLinesThatMatch() {
        qt().withExamples(200).forAll(lists().of(alpha(1, 6)).ofSizeBetween(0, 5)).checkAssert(lines -> {
            String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
            assertEquals("Count: " + lines.size() + " lines\n", parse("x | count").filter(text));
        });
    }
}
