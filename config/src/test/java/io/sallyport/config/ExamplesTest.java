package io.sallyport.config;

import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The repository's examples: every configuration of reference §5 commits (or, where Sallyport
 * cannot run it yet, fails with the NAME.expected beside it); every file under
 * examples/invalid fails with exactly its .expected text; and the passing side of each invalid
 * example (test resources "passing/") commits.
 */
class ExamplesTest {

    static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    static final Path PASSING = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/passing");

    static List<Path> files(Path dir, boolean recursive) throws IOException {
        try (Stream<Path> s = recursive ? Files.walk(dir) : Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> referenceExamplesPassCommitCheck() throws IOException {
        List<Path> valid = files(EXAMPLES, true).stream().filter(p -> !p.startsWith(EXAMPLES.resolve("invalid"))).toList();
        assertTrue(valid.size() >= 10, "expected the §5 routers, found " + valid);
        return valid.stream().map(p -> DynamicTest.dynamicTest(EXAMPLES.relativize(p).toString(), () -> {
            Node tree = ConfigText.parse(Files.readString(p));
            CheckResult r = CommitCheck.check(tree);
            // A reference example Sallyport cannot run yet (dynamic peers) is refused with its .expected text.
            Path refused = p.resolveSibling(p.getFileName().toString().replace(".conf", ".expected"));
            if (Files.exists(refused)) {
                assertEquals(Files.readString(refused), r.renderErrors());
                return;
            }
            assertTrue(r.succeeded(), r.render());
            assertTrue(r.configuration().isPresent());
            assertEquals(tree, ConfigText.parse(ConfigPrinter.braces(tree)));
            assertEquals(tree, ConfigText.parse(ConfigPrinter.setCommands(tree)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidExamplesFailWithTheirExpectedMessage() throws IOException {
        List<Path> invalid = files(EXAMPLES.resolve("invalid"), false);
        assertTrue(invalid.size() >= 60, "expected one file per commit rule, found " + invalid.size());
        return invalid.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Path expectedFile = p.resolveSibling(p.getFileName().toString().replace(".conf", ".expected"));
            String expected = Files.readString(expectedFile);
            String actual;
            try {
                actual = CommitCheck.check(ConfigText.parse(Files.readString(p))).renderErrors();
            } catch (ConfigSyntaxException e) {
                actual = e.getMessage() + "\n";
            }
            assertEquals(expected, actual);
        }));
    }

    @TestFactory
    Stream<DynamicTest> passingSideOfEachInvalidExampleCommits() throws IOException {
        List<Path> passing = files(PASSING, false);
        List<Path> invalid = files(EXAMPLES.resolve("invalid"), false);
        return passing.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            assertTrue(invalid.stream().anyMatch(i -> i.getFileName().equals(p.getFileName())), "no invalid twin for " + p);
            CheckResult r = CommitCheck.check(ConfigText.parse(Files.readString(p)));
            assertTrue(r.succeeded(), r.render());
        }));
    }

    @Test
    void everyCommitRuleHasAnInvalidExampleWithAPassingTwin() throws IOException {
        for (Path p : files(EXAMPLES.resolve("invalid"), false)) {
            String name = p.getFileName().toString();
            boolean syntax = Files.readString(p.resolveSibling(name.replace(".conf", ".expected"))).startsWith("line ");
            if (!syntax && !Files.exists(PASSING.resolve(name))) fail("no passing side for " + name);
        }
    }
}
