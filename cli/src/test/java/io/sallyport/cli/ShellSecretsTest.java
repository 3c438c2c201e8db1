package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.model.JunosSecret;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 #2: secrets are never shown in clear, and a secret left off is asked for. */
class ShellSecretsTest {
    private static final Pattern SHOWN_KEY = Pattern.compile("pre-shared-key ascii-text \"(\\$9\\$[^\"]+)\"; ## SECRET-DATA\n");

    @TempDir
    Path state;

    private Shell shell;
    private final List<String> prompts = new ArrayList<>();
    private final Deque<String> answers = new ArrayDeque<>();

    @BeforeEach
    void open() throws Exception {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h")
                .secretPrompt(prompt -> {
                    prompts.add(prompt);
                    return Optional.ofNullable(answers.poll());
                });
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    private String fails(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.ERROR, r.status(), () -> "'" + line + "' should fail but printed:\n" + r.text());
        return r.text();
    }

    private String shownKey() {
        String shown = ok("show services ipsec-vpn ike policy p1");
        Matcher m = SHOWN_KEY.matcher(shown);
        assertTrue(m.find(), shown);
        return m.group(1);
    }

    @Test
    void everyDisplayFormShowsTheKeyNineEncoded() {
        ok("configure");
        ok("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"s3cret key\"");
        String key = shownKey();
        assertEquals(Optional.of("s3cret key"), JunosSecret.decode(key));
        for (String show : List.of("show", "show | display set", "show | display json", "show | display xml", "show | compare")) {
            String out = ok(show);
            assertFalse(out.contains("s3cret"), show + ":\n" + out);
            assertTrue(out.contains(key), show + ":\n" + out);
        }
        assertTrue(ok("show | display set").contains("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"" + key + "\"\n"));
        ok("commit");
        ok("exit");
        String active = ok("show configuration");
        assertFalse(active.contains("s3cret"), active);
        assertTrue(active.contains("pre-shared-key ascii-text \"" + key + "\"; ## SECRET-DATA"), active);
    }

    @Test
    void aSecretLeftOffIsAskedForTwice() {
        ok("configure");
        answers.add("typed \"secret\"");
        answers.add("typed \"secret\"");
        assertEquals("", ok("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text"));
        assertEquals(List.of("New ascii-text (secret):", "Retype new ascii-text (secret):"), prompts);
        assertEquals(Optional.of("typed \"secret\""), JunosSecret.decode(shownKey()));
    }

    @Test
    void abbreviationsAndEditLevelsAreFollowedToTheSecret() {
        ok("configure");
        ok("edit services ipsec-vpn rule r1 term t1 then manual direction bidirectional");
        answers.add("00112233445566778899aabbccddeeff");
        answers.add("00112233445566778899aabbccddeeff");
        ok("set authentication key hexa");
        assertEquals(List.of("New hexadecimal (secret):", "Retype new hexadecimal (secret):"), prompts);
        String shown = ok("show");
        assertFalse(shown.contains("00112233"), shown);
        assertTrue(shown.contains("key hexadecimal \"$9$"), shown);
    }

    @Test
    void entriesThatDoNotMatchChangeNothing() {
        ok("configure");
        answers.add("one");
        answers.add("two");
        assertTrue(fails("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text").contains("do not match"));
        assertEquals("", ok("show services ipsec-vpn"));
    }

    @Test
    void withoutATerminalTheMissingValueIsAnError() {
        ok("configure");
        fails("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text");
        assertEquals(List.of("New ascii-text (secret):"), prompts);
    }
}
