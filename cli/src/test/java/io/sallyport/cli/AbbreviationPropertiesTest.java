package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import io.sallyport.config.SchemaNode.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Junos abbreviations over the whole schema: walks down container statements, where only
 * keywords may stand, and checks that full words are left alone and that each word's shortest
 * unambiguous prefix is spelled out again.
 */
class AbbreviationPropertiesTest {
    private static Path state;
    private static Assist assist;

    @BeforeAll
    static void open() throws IOException {
        state = Files.createTempDirectory("sallyport-abbrev");
        ShellState s = new ShellState();
        s.enterConfiguration();
        assist = new Assist(s, StoreSession.open(state, "alice"), References.NONE);
    }

    @AfterAll
    static void close() throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** A path of container keywords from the top, following the random choices. */
    static Gen<List<String>> containerPaths() {
        return lists().of(integers().between(0, 1000)).ofSizeBetween(1, 6).map(choices -> {
            List<String> words = new ArrayList<>();
            List<SchemaNode> level = Schema.root().children();
            for (int choice : choices) {
                if (!onlyKeywords(level)) break;
                List<SchemaNode> containers = level.stream().filter(n -> n instanceof Container).toList();
                if (containers.isEmpty()) break;
                SchemaNode next = containers.get(choice % containers.size());
                words.add(next.name());
                level = next.children();
            }
            return words;
        }).assuming(words -> !words.isEmpty());
    }

    @Test
    void fullKeywordsAreLeftAlone() {
        qt().withExamples(300).forAll(containerPaths()).checkAssert(path -> {
            String line = "set " + String.join(" ", path);
            assertEquals(line, assertInstanceOf(Assist.Expansion.Spelled.class, assist.expand(line)).line());
        });
    }

    @Test
    void shortestUniquePrefixesAreSpelledOut() {
        qt().withExamples(300).forAll(containerPaths()).checkAssert(AbbreviationPropertiesTest::spelledOut);
    }

    private static void spelledOut(List<String> path) {
        List<String> abbreviated = new ArrayList<>();
        List<SchemaNode> level = Schema.root().children();
        for (String word : path) {
            List<String> names = level.stream().map(SchemaNode::name).toList();
            abbreviated.add(shortestUniquePrefix(word, names));
            level = Schema.named(level, word).orElseThrow().children();
        }
        Assist.Expansion e = assist.expand("set " + String.join(" ", abbreviated));
        assertEquals("set " + String.join(" ", path), assertInstanceOf(Assist.Expansion.Spelled.class, e).line());
    }

    private static boolean onlyKeywords(List<SchemaNode> level) {
        return level.stream().noneMatch(n -> n instanceof SchemaNode.ListNode l && l.keyless()
                || n instanceof SchemaNode.Leaf f && f.positional());
    }

    private static String shortestUniquePrefix(String word, List<String> names) {
        for (int n = 1; n < word.length(); n++) {
            String prefix = word.substring(0, n);
            if (names.stream().filter(x -> x.startsWith(prefix)).count() == 1 && !names.contains(prefix)) return prefix;
        }
        return word;
    }
}
