package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.pki.PkiStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Space completes keywords only; {@code ?} after a reference lists the names defined (issue 17 item 10). */
class CompletionTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
    }

    private void ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
    }

    private List<String> words(String line) {
        return shell.help(line).stream().map(HelpLine::word).toList();
    }

    @Test
    void spaceCompletesAKeywordButNeverAValue() {
        assertEquals(Optional.of("configure"), shell.keywordCompletion("conf"));
        assertEquals(Optional.of("ipsec-vpn"), shell.keywordCompletion("show services ipsec-v"));
        assertEquals(Optional.empty(), shell.keywordCompletion("show services ipsec-vpn i"), "ike and ipsec: ambiguous");
        assertEquals(Optional.empty(), shell.keywordCompletion("conf "), "nothing partial");
        ok("configure");
        assertEquals(Optional.of("services"), shell.keywordCompletion("set serv"));
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        assertEquals(Optional.empty(), shell.keywordCompletion("set services ipsec-vpn ike proposal p"),
                "a name may be new: never completed to an existing one");
        assertEquals(Optional.empty(), shell.keywordCompletion("set system host-name \"ser"), "inside quotes");
    }

    @Test
    void questionMarkAfterAReferenceListsTheObjectsDefined() {
        ok("configure");
        ok("set services ipsec-vpn ike proposal ike-p1 dh-group group14");
        ok("set services ipsec-vpn ike proposal ike-p2 dh-group group19");
        ok("set services ipsec-vpn ike policy k1 proposals ike-p1");
        ok("set services ipsec-vpn ike policy k2 proposals ike-p2");
        ok("set services ipsec-vpn ipsec proposal esp-1 protocol esp");
        ok("set services ipsec-vpn ipsec policy e1 proposals esp-1");
        ok("set security pki ca-profile root-ca ca-identity root");
        ok("set services ipsec-vpn rule r1 match-direction input");
        ok("set services service-set S1 next-hop-service inside-service-interface ms-0/0/0.1");
        List<String> ike = words("set services ipsec-vpn rule r1 term t1 then dynamic ike-policy ");
        assertTrue(ike.containsAll(List.of("k1", "k2")), ike.toString());
        assertTrue(words("set services ipsec-vpn ike policy k3 proposals ").containsAll(List.of("ike-p1", "ike-p2")));
        assertFalse(words("set services ipsec-vpn ike policy k3 proposals ").contains("esp-1"), "IKE policies take IKE proposals");
        assertTrue(words("set services ipsec-vpn ipsec policy e2 proposals ").contains("esp-1"));
        assertTrue(words("set services ipsec-vpn rule r1 term t1 then dynamic ipsec-policy ").contains("e1"));
        assertTrue(words("set services service-set S1 ipsec-vpn-options trusted-ca ").contains("root-ca"));
        assertTrue(words("set services service-set S1 ipsec-vpn-rules ").contains("r1"));
        assertTrue(words("set interfaces ms-0/0/0 unit 0 family inet service input service-set ").contains("S1"));
        assertEquals(List.of("k1", "k2"), shell.complete("set services ipsec-vpn rule r1 term t1 then dynamic ike-policy k"), "TAB offers them too");
    }

    @Test
    void localCertificateListsTheCertificatesOfTheStateDirectory() {
        assertTrue(new PkiStore(state).localCertificateIds().isEmpty());
        ok("configure");
        List<String> before = words("set services ipsec-vpn ike policy k1 local-certificate ");
        assertTrue(before.stream().allMatch(w -> w.startsWith("<")), before.toString());
    }

    @Test
    void noMoreTurnsPagingOff() {
        assertTrue(shell.pages("show configuration"));
        assertFalse(shell.pages("show configuration | no-more"));
        assertFalse(shell.pages("show configuration | no-m"), "abbreviated");
        assertTrue(shell.pages("show configuration | match x"));
    }
}
