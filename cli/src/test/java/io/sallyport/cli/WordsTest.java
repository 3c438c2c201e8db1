package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
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

    @Property(tries = 200)
    void quoteThenSplitGivesTheWordBack(@ForAll @StringLength(min = 1, max = 20) String word) {
        String w = word.replace("\\", "");
        if (w.isEmpty()) return;
        assertEquals(List.of(w), Words.of(Words.quote(w)).words());
    }

    @Test
    void commandArgumentSplitsAtSemicolonsOutsideQuotes() {
        assertEquals(List.of("configure", " set system host-name r1", " commit"),
                ShellRunner.splitCommands("configure; set system host-name r1; commit;"));
        assertEquals(List.of("set a \"x;y\""), ShellRunner.splitCommands("set a \"x;y\""));
    }
}
