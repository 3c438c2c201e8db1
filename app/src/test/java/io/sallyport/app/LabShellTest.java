package io.sallyport.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.cli.HelpLine;
import io.sallyport.cli.Reply;
import io.sallyport.cli.Shell;
import io.sallyport.lab.Lab;
import io.sallyport.lab.LabRouter;
import io.sallyport.lab.Topologies;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lab's shell is the Junos shell with the lab's commands, and configure commits into the running lab (issue 17 item 9). */
class LabShellTest {
    private static final long MINUTE = 60_000_000_000L;

    private static String ok(Shell shell, String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    @Test
    void theJunosShellWithTheLabsCommands() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ms-mpc")); LabShellWiring wiring = new LabShellWiring(lab, "alice")) {
            assertTrue(lab.awaitTunnels(MINUTE));
            Shell shell = wiring.shell();
            assertEquals("alice@router1> ", shell.prompt());
            assertTrue(shell.help("").stream().map(HelpLine::word).toList().containsAll(java.util.List.of("router", "ping", "fault",
                    "advance", "configure", "show")));
            assertTrue(shell.help("router ").contains(new HelpLine("router2", "")));
            ok(shell, "rout router2");
            assertEquals("alice@router2> ", shell.prompt(), "abbreviated, and the prompt follows the router");
            assertTrue(ok(shell, "show services ipsec-vpn ike security-associations").contains("10.0.1.1"));
            assertTrue(ok(shell, "ping h1 from h2 count 2").contains("2 packets transmitted, 2 packets received"));
            assertEquals("2 packets transmitted, 2 packets received, 0% packet loss\n",
                    ok(shell, "ping h1 from h2 count 2 | match transmitted"), "pipes work on the lab's commands");
            assertTrue(ok(shell, "show configuration services ipsec-vpn ike").contains("pre-shared-key ascii-text \"$9$"),
                    "the router's configuration, secrets encoded");
            assertTrue(ok(shell, "advance 10m").contains("simulated time 00:1"));
            Reply r = shell.execute("router nobody");
            assertTrue(r.failed() && r.text().contains("no router named nobody"), r.text());
        }
    }

    @Test
    void configureCommitsIntoTheRunningRouter() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ms-mpc")); LabShellWiring wiring = new LabShellWiring(lab, "alice")) {
            assertTrue(lab.awaitTunnels(MINUTE));
            Shell shell = wiring.shell();
            LabRouter r1 = lab.router("router1").orElseThrow();
            int spi = r1.gateway().tunnels().iterator().next().current().spiIn();
            ok(shell, "configure");
            ok(shell, "set services ipsec-vpn ipsec proposal ipsec-proposal1 lifetime-seconds 7200");
            assertTrue(ok(shell, "show | compare").contains("+   lifetime-seconds 7200;"), ok(shell, "show | compare"));
            assertTrue(ok(shell, "commit").endsWith("commit complete\n"));
            assertTrue(r1.execute("show configuration").text().contains("lifetime-seconds 7200;"), "the running router has it");
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            lab.advance(MINUTE);
            assertFalse(spi == r1.gateway().tunnels().iterator().next().current().spiIn(), "the changed tunnel was negotiated again");
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            assertEquals(3, lab.ping("h1", h2, Optional.empty(), 3).received());

            ok(shell, "set services ipsec-vpn rule vpn-rule-r1 term term1 then dynamic ike-policy nowhere");
            Reply bad = shell.execute("commit");
            assertTrue(bad.failed(), bad.text());
            assertFalse(r1.execute("show configuration").text().contains("nowhere"), "a refused commit never reaches the router");
            ok(shell, "rollback 0");
            Reply confirmed = shell.execute("commit confirmed 5");
            assertTrue(confirmed.failed() && confirmed.text().contains("simulated"), "no commit confirmed on simulated time: " + confirmed.text());
            Reply leave = shell.execute("run router router2");
            assertTrue(leave.failed() && leave.text().contains("leave configuration mode"), leave.text());
        }
    }
}
