package io.sallyport.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sallyport.config.check.CommitCheck;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the Junos configuration reader (Jazzer), one target per textual form.
 * Oracles: text is either refused with a syntax error that says something, or read into a tree
 * that both printed forms read back unchanged and that the commit check judges without throwing.
 * The corpora start from the example configurations.
 */
class ConfigTextFuzzTest {

    @FuzzTest
    void braces(byte[] text) {
        Node tree;
        try {
            tree = ConfigText.parseBraces(new String(text, StandardCharsets.UTF_8));
        } catch (ConfigSyntaxException e) {
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertReadsBackAndChecks(tree);
    }

    @FuzzTest
    void setCommands(byte[] text) {
        Node tree;
        try {
            tree = ConfigText.parseSetCommands(new String(text, StandardCharsets.UTF_8));
        } catch (ConfigSyntaxException e) {
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertReadsBackAndChecks(tree);
    }

    private static void assertReadsBackAndChecks(Node tree) {
        try {
            assertEquals(tree, ConfigText.parse(ConfigPrinter.braces(tree)), "brace form reads back");
            assertEquals(tree, ConfigText.parse(ConfigPrinter.setCommands(tree)), "set form reads back");
        } catch (ConfigSyntaxException e) {
            throw new AssertionError("our own printed text does not parse: " + e.getMessage(), e);
        }
        assertFalse(CommitCheck.check(tree).render().isEmpty());
    }
}
