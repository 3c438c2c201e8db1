package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShellAndDemoTest {

    @Test
    void demoRunsEveryPhaseAndExitsZero() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("[ok] topology up"), out);
        assertTrue(out.contains("[ok] IKE negotiated"), out);
        assertTrue(out.contains("5 packets transmitted, 5 packets received, 0% packet loss"), out);
        for (String router : new String[] {"router1", "router2"}) {
            for (String command : Demo.COMMANDS) {
                assertTrue(out.contains("user@" + router + "> " + command), out);
            }
        }
        assertTrue(out.contains("Matured") && out.contains("Encrypted packets:              5"), out);
        assertFalse(out.contains("[fail]"), out);
    }

    @Test
    void shellCommands() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ms-mpc"))) {
            assertTrue(lab.awaitTunnels(30_000_000_000L));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            LabShell shell = new LabShell(lab, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            for (String c : new String[] {"router router2", "show services ipsec-vpn ike security-associations",
                    "ping h1 from h2 count 2", "traceroute h1 from h2", "fault link router1 router2 loss 20%",
                    "fault link router1 router2 clear", "advance 10m", "show route router1", "router nobody",
                    "frobnicate"}) {
                assertTrue(shell.execute(c));
            }
            assertFalse(shell.execute("quit"));
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("10.0.1.1        Matured"), out);
            assertTrue(out.contains("2 packets transmitted, 2 packets received"), out);
            // The tunnel hop answers from router2's own address, not its local gateway 10.0.1.2 (issue 9 #7).
            assertTrue(out.contains(" 2  192.168.0.1") && !out.matches("(?s).*\\n \\d  10\\.0\\.1\\.2 .*"), out);
            assertTrue(out.contains("simulated time 00:10:"), out);
            assertTrue(out.contains("192.168.0.0/16 dev ms-4_0_0.1"), out);
            assertTrue(out.contains("error: no router named nobody"), out);
            assertTrue(out.contains("error: unknown command: frobnicate"), out);
        }
    }
}
