package io.sallyport.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every expected commit message under examples/invalid says where its text comes from: the
 * README lists each example once, either as Junos text quoted by the reference or as Sallyport's
 * own wording.
 */
class InvalidExamplesProvenanceTest {
    private static final Path INVALID = Path.of(System.getProperty("user.dir")).resolve("../examples/invalid").normalize();
    private static final Pattern ITEM = Pattern.compile("^- `([a-z0-9-]+)`", Pattern.MULTILINE);

    @Test
    void everyExpectedMessageHasItsProvenanceListedOnce() throws IOException {
        List<String> listed = new ArrayList<>();
        Matcher m = ITEM.matcher(Files.readString(INVALID.resolve("README.md")));
        while (m.find()) listed.add(m.group(1));
        TreeSet<String> expected = new TreeSet<>();
        try (Stream<Path> files = Files.list(INVALID)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".expected"))
                .forEach(n -> expected.add(n.substring(0, n.length() - ".expected".length())));
        }
        assertEquals(new TreeSet<>(listed).size(), listed.size(), () -> "listed twice in examples/invalid/README.md: " + listed);
        assertEquals(expected, new TreeSet<>(listed), "examples/invalid/README.md lists exactly the .expected files");
    }
}
