package io.sallyport.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a login class without the secret permission sees: every secret and password hash as {@code /* SECRET-DATA *}{@code /}. */
class SecretMaskTest {
    static final String CONFIG = """
            set system host-name r1
            set system login user ops class operator
            set system login user ops authentication encrypted-password "$6$salt$hash"
            set services ipsec-vpn ike policy p1 pre-shared-key ascii-text "s3cret key"
            set services ipsec-vpn rule r1 term t1 then manual direction bidirectional encryption key ascii-text "enc key text"
            """;

    private static Node stored() throws ConfigSyntaxException {
        return Secrets.encode(ConfigText.parse(CONFIG), List.of(), new SplittableRandom(7));
    }

    @Test
    void theBraceFormShowsTheMaskWhereTheValueWasAndMarksTheStatement() throws Exception {
        String text = ConfigPrinter.braces(Secrets.masked(stored()));
        assertTrue(text.contains("pre-shared-key ascii-text /* SECRET-DATA */; ## SECRET-DATA\n"), text);
        assertTrue(text.contains("encrypted-password /* SECRET-DATA */; ## SECRET-DATA\n"), text);
        assertTrue(text.contains("key ascii-text /* SECRET-DATA */; ## SECRET-DATA"), text);
        assertTrue(text.contains("host-name r1;\n"), text);
        assertFalse(text.contains("$9$") || text.contains("$6$"), text);
    }

    @Test
    void theSetXmlAndJsonFormsShowItToo() throws Exception {
        Node masked = Secrets.masked(stored());
        String set = ConfigPrinter.setCommands(masked);
        assertTrue(set.contains("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text /* SECRET-DATA */\n"), set);
        assertTrue(set.contains("set system login user ops authentication encrypted-password /* SECRET-DATA */\n"), set);
        String xml = ConfigDisplay.xml(masked);
        assertTrue(xml.contains("<ascii-text>/* SECRET-DATA */</ascii-text>"), xml);
        assertFalse(xml.contains("$9$") || xml.contains("$6$"), xml);
        String json = ConfigDisplay.json(masked);
        assertTrue(json.contains("\"/* SECRET-DATA */\""), json);
        assertFalse(json.contains("$9$") || json.contains("$6$"), json);
    }

    @Test
    void aTreeWithoutSecretsIsLeftAsItIs() throws Exception {
        Node plain = ConfigText.parse("set system host-name r1\n");
        assertSame(plain, Secrets.masked(plain));
        assertEquals(stored(), stored(), "masking never changes the stored tree");
    }

    @Test
    void aSuperUsersViewMarksPasswordHashesAsJunosDoes() throws Exception {
        String text = ConfigPrinter.braces(stored());
        assertTrue(text.contains("encrypted-password \"$6$salt$hash\"; ## SECRET-DATA\n"), text);
        assertEquals(stored(), ConfigText.parse(text), "the comment reads back as nothing");
    }
}
