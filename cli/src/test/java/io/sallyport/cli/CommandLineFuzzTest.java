package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the CLI's command-line parsing (Jazzer): word splitting, the pipe
 * parser, and abbreviation, help and completion against the schema in both modes. Commands are
 * parsed, never run (a fuzzed {@code save} or {@code load} would touch arbitrary files).
 *
 * <p>Oracles: nothing throws; word starts point at their words in order; a pipe parse gives
 * either a pipeline or an error; expansion keeps what it cannot spell out.
 */
class CommandLineFuzzTest {
    private static Path state;
    private static Assist operational;
    private static Assist configuration;

    @BeforeAll
    static void open() throws IOException {
        state = Files.createTempDirectory("sallyport-cli-fuzz");
        StoreSession store = StoreSession.open(state, "fuzz");
        operational = new Assist(new ShellState(), store, References.NONE);
        ShellState s = new ShellState();
        s.enterConfiguration();
        configuration = new Assist(s, store, References.NONE);
    }

    @AfterAll
    static void close() throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @FuzzTest
    void commandLine(byte[] bytes) {
        String line = new String(bytes, StandardCharsets.UTF_8);
        Words w = Words.of(line);
        int previous = -1;
        for (int i = 0; i < w.size(); i++) {
            int start = w.starts().get(i);
            assertTrue(start > previous && start < line.length(), () -> "word start " + start + " in " + line);
            previous = start;
        }
        Pipeline.Result p = Pipeline.parse(line);
        assertTrue((p.error() == null) != (p.pipeline() == null), () -> "pipeline xor error: " + p);
        for (Assist a : new Assist[] {operational, configuration}) {
            Assist.Expansion e = a.expand(line);
            assertEquals(Words.of(line).size(), Words.of(e.line()).size(), () -> "expansion changed the word count: " + e);
            a.help(line);
            a.complete(line);
        }
    }
}
