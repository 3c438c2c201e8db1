package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void quotedStringIsOneWordAndColumnsPointAtEachWord() {
        Words w = Words.of("set  pre-shared-key ascii-text \"two words\"");
        assertEquals(List.of("set", "pre-shared-key", "ascii-text", "two words"), w.words());
        assertEquals(List.of(0, 5, 20, 31), w.starts());
        assertFalse(w.trailingBlank());
        assertTrue(Words.of("set ").trailingBlank());
    }

    /** Any word without a backslash (which Words does not escape) survives quoting and splitting. */
    @Test
    void quoteThenSplitGivesTheWordBack() {
        qt().withExamples(200)
                .forAll(strings().basicMultilingualPlaneAlphabet().ofLengthBetween(1, 20).map(w -> w.replace("\\", "")))
                .assuming(w -> !w.isEmpty())
                .checkAssert(w -> assertEquals(List.of(w), Words.of(Words.quote(w)).words()));
    }

    @Test
    void commandArgumentSplitsAtSemicolonsOutsideQuotes() {
        assertEquals(List.of("configure", " set system host-name r1", " commit"),
                ShellRunner.splitCommands("configure; set system host-name r1; commit;"));
        assertEquals(List.of("set a \"x;y\""), ShellRunner.splitCommands("set a \"x;y\""));
    }
}
