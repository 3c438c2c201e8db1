package io.sallyport.config;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any configuration converts between the brace and set forms and back without change. */
class RoundTripTest {

    @Property(tries = 300)
    void braceFormReadsBackToTheSameTree(@ForAll long seed) throws ConfigSyntaxException {
        Node tree = RandomConfigs.tree(seed);
        assertEquals(tree, ConfigText.parse(ConfigPrinter.braces(tree)));
    }

    @Property(tries = 300)
    void setFormReadsBackToTheSameTree(@ForAll long seed) throws ConfigSyntaxException {
        Node tree = RandomConfigs.tree(seed);
        assertEquals(tree, ConfigText.parse(ConfigPrinter.setCommands(tree)));
    }

    @Property(tries = 200)
    void braceToSetToBraceIsTheSameText(@ForAll long seed) throws ConfigSyntaxException {
        Node tree = RandomConfigs.tree(seed);
        String braces = ConfigPrinter.braces(tree);
        String viaSet = ConfigPrinter.braces(ConfigText.parse(ConfigPrinter.setCommands(ConfigText.parse(braces))));
        assertEquals(braces, viaSet);
    }

    /** The generator must reach what the round trip is about, or the properties above prove little. */
    @net.jqwik.api.Example
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

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
