package io.sallyport.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** Any configuration converts between the brace and set forms and back without change. */
class RoundTripTest {

    @Test
    void braceFormReadsBackToTheSameTree() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Node tree = RandomConfigs.tree(seed);
            assertEquals(tree, parse(ConfigPrinter.braces(tree)));
        });
    }

    @Test
    void setFormReadsBackToTheSameTree() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Node tree = RandomConfigs.tree(seed);
            assertEquals(tree, parse(ConfigPrinter.setCommands(tree)));
        });
    }

    @Test
    void braceToSetToBraceIsTheSameText() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Node tree = RandomConfigs.tree(seed);
            String braces = ConfigPrinter.braces(tree);
            String viaSet = ConfigPrinter.braces(parse(ConfigPrinter.setCommands(parse(braces))));
            assertEquals(braces, viaSet);
        });
    }

    /** The generator must reach what the round trip is about, or the properties above prove little. */
    @Test
    void generatorCoversInactiveQuotedFlatAndDeepStatements() {
        int inactive = 0, quoted = 0, flatLines = 0, deep = 0, statements = 0;
        for (long seed = 0; seed < 200; seed++) {
            Node tree = RandomConfigs.tree(seed);
            String text = ConfigPrinter.braces(tree);
            inactive += count(text, "inactive: ");
            quoted += count(text, "\"");
            flatLines += count(text, " routing-instance ") + count(text, " next-hop ") + count(text, "allowed-proxy-pair local");
            deep += count(text, "                        ");
            statements += count(text, "\n");
        }
        assertTrue(inactive > 50, "inactive " + inactive);
        assertTrue(quoted > 50, "quoted " + quoted);
        assertTrue(flatLines > 20, "flat " + flatLines);
        assertTrue(deep > 50, "deep " + deep);
        assertTrue(statements > 5_000, "statements " + statements);
    }

    /** Parses printed text; a syntax error in our own output fails the property with its message. */
    private static Node parse(String text) {
        try {
            return ConfigText.parse(text);
        } catch (ConfigSyntaxException e) {
            throw new AssertionError("printed text does not parse: " + e.getMessage() + "\n" + text, e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
