package io.sallyport.lab;

import java.io.PrintStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * {@code sallyport demo}: the reference's §5.1 MS-MPC example in the lab. Brings the topology
 * up, waits for IKE, pings host to host through the tunnel, and prints what a user would look at
 * on each router. Returns 0, or 1 with the failing phase and its reason.
 */
public final class Demo {
    static final String EXAMPLE = "ms-mpc";
    static final long NEGOTIATION_LIMIT_NANOS = 30_000_000_000L;
    static final List<String> COMMANDS = List.of(
            "show services ipsec-vpn ike security-associations",
            "show services ipsec-vpn ipsec security-associations detail",
            "show services ipsec-vpn ipsec statistics");

    private Demo() {}

    public static int run(PrintStream out) {
        Lab lab;
        try {
            lab = Lab.start(Topologies.example(EXAMPLE));
        } catch (LabException | RuntimeException e) {
            out.println("[fail] topology: " + e.getMessage());
            return 1;
        }
        try (lab) {
            out.println("[ok] topology up: " + String.join(", ", lab.routers().keySet()) + " (reference §5.1, "
                    + lab.links().size() + " links, simulated clock)");
            if (!lab.awaitTunnels(NEGOTIATION_LIMIT_NANOS)) {
                out.println("[fail] IKE did not negotiate within " + NEGOTIATION_LIMIT_NANOS / 1_000_000_000L
                        + " simulated seconds:");
                lab.routers().values().forEach(r -> r.tunnelProblems().forEach(p -> out.println("  " + p)));
                return 1;
            }
            out.println("[ok] IKE negotiated: IKE and IPsec SAs up on every router after "
                    + Durations.clock(lab.nowNanos()) + " simulated");
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            PingResult ping = lab.ping("h1", h2, Optional.empty(), 5);
            out.print(indent(ping.render()));
            if (!ping.allReceived()) {
                out.println("[fail] ping h1 -> h2 through the tunnel lost " + (ping.probes().size() - ping.received())
                        + " of " + ping.probes().size());
                return 1;
            }
            out.println("[ok] ping through tunnel: h1 172.16.0.10 -> h2 192.168.0.10, 5/5 replies");
            for (LabRouter r : lab.routers().values()) {
                for (String command : COMMANDS) {
                    out.println();
                    out.println("user@" + r.name() + "> " + command);
                    out.print(r.execute(command).text());
                }
            }
            out.println();
            out.println("[ok] demo complete; try: sallyport lab example:" + EXAMPLE);
            return 0;
        } catch (LabException | RuntimeException e) {
            out.println("[fail] " + e.getMessage());
            return 1;
        }
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
    }
}
