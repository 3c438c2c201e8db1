package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code sallyport lab --netns} on reference §5.2 as the seed has it
 * ({@code examples/ike-digital-certificates/ike-digital-certificates.lab}): four routers in network
 * namespaces, each running the Sallyport daemon, OSPF everywhere by the FRR each daemon runs, IPsec
 * with RSA certificates configured between R2 and R3. The seed's success criterion holds: R1 pings
 * 10.1.56.2 and R4 pings 10.1.12.2 over routes OSPF learned. The seed's inside units have no
 * address: as on Junos, each borrows its router's (lo0.0's), so OSPF runs across the tunnel too,
 * unnumbered, and its first hello brings the tunnel up (established on traffic, the default). The
 * seed runs OSPF on the underlay between R2 and R3 as well, at the same cost here (FRR's
 * auto-cost), so R2 and R3 route each other's side over both, equal-cost. OSPF routes through the tunnel are {@code OspfAcrossTunnelTest}'s (numbered units, no
 * OSPF on the underlay). The namespaces (prefix {@value #PREFIX}) are joined to nothing but each
 * other.
 */
@Tag("interop")
class NetnsLabTest {
    private static final String PREFIX = "nsl1-";
    private final Harness h = new Harness(Testbed.repoRoot(), PREFIX);

    /** A run that was killed leaves its namespaces: stop what runs in them (by PID) and delete them. */
    @AfterEach
    void removeLeftovers() {
        for (String line : h.run(List.of("ip", "netns", "list"), Map.of(), 10).stdout().lines().toList()) {
            String ns = line.split("\\s+")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            for (String pid : h.run(List.of("ip", "netns", "pids", ns), Map.of(), 10).stdout().lines().toList()) {
                h.run(List.of("kill", pid.strip()), Map.of(), 10);
            }
            h.run(List.of("ip", "netns", "del", ns), Map.of(), 10);
        }
    }

    /**
     * The seed's criterion first, then the host's faults and a power cycle on the same lab (one
     * bring-up for both), one line at a time on the lab's standard input (so a ping that fails, as
     * one must while the link is down, does not end the script): R1 reaches R4's side and R4 R1's
     * over routes OSPF learned, R2's OSPF neighbours include R3 across the tunnel; 50% loss each way
     * on R1--R2 loses some of 40 pings and its nftables counters count the drops, clearing it loses
     * none; 50% duplication each way brings ping duplicates and its counters count the copies;
     * traceroute (Debian's) from R1 shows R2 as its first hop and R4 as its last; R1--R2 down
     * leaves R1 no route to R4's side, up brings it back once OSPF reconverges; R2's daemon killed
     * (SIGKILL: R3 gets no delete) and started again on its store negotiates the tunnel with R3 anew
     * and R1 reaches R4's side again. What needs netem is refused, saying why.
     */
    @Test
    void theSeedsFourRoutersReachEachOtherThenRideOutFaultsAndARestart() {
        String script = String.join("\n", List.of(
            "await 10.1.56.2 from r1 within 150",
            "await 10.1.12.2 from r4 within 60",
            "ping 10.0.0.4 from r1 count 3",
            "ping 10.1.12.2 from r4 count 3",
            "router r2",
            "show ospf neighbor",
            "show route protocol ospf",
            "show services ipsec-vpn ike security-associations",
            "show services ipsec-vpn ipsec statistics",
            "show lab",
            "traceroute 10.1.56.2 from r1",
            "fault link r1 r2 loss 50%",
            "ping 10.1.12.1 from r1 count 40",
            "show lab",
            "fault link r1 r2 clear",
            "ping 10.1.12.1 from r1 count 10",
            "fault link r1 r2 duplicate 50%",
            "ping 10.1.12.1 from r1 count 10",
            "show lab",
            "fault link r1 r2 clear",
            "fault link r1 r2 down",
            "ping 10.1.56.2 from r1 count 2",
            "fault link r1 r2 up",
            "await 10.1.56.2 from r1 within 120",
            "fault link r2 r3 delay 50ms",
            "restart router r2",
            "await 10.1.56.2 from r1 within 180",
            "ping 10.1.56.2 from r1 count 50",
            "router r2",
            "show services ipsec-vpn ike security-associations",
            "show ospf neighbor",
            "show lab")) + "\n";
        Harness.Result r = h.run(List.of("sh", "-c",
                "printf '%s' \"$SCRIPT\" | exec \"$JAVA\" -jar \"$JAR\" lab --netns --netns-prefix " + PREFIX + " \"$LAB\""),
            Map.of("SCRIPT", script, "JAVA", SallyportDaemon.java().toString(), "JAR", SallyportDaemon.jar().toString(),
                "LAB", Testbed.repoRoot().resolve("examples/ike-digital-certificates/ike-digital-certificates.lab").toString()),
            600);
        System.out.println("evidence: sallyport lab --netns (exit " + r.exit() + ")\n" + r.stdout() + "--- stderr\n" + r.stderr());
        String out = r.stdout();
        int restart = out.indexOf("router r2 restarted: daemon PID ");
        assertTrue(restart > 0, out);
        String before = out.substring(0, restart);
        String after = out.substring(restart);

        // The seed's criterion, over routes OSPF learned.
        assertTrue(before.contains("10.1.56.2 answered r1 after ") && before.contains("10.1.12.2 answered r4 after "), before);
        assertEquals(2, before.lines().filter(l -> l.startsWith("3 packets transmitted, 3 received")).count(), before);
        // R2's OSPF neighbours are R1 and R3 over the underlay, R3 again across the tunnel (unnumbered:
        // R3's hellos come from its borrowed loopback address), and it routes R4's network by OSPF.
        assertTrue(before.lines().anyMatch(l -> l.contains(" ge-1/0/0.0 ") && l.contains(" Full ") && l.contains(" 10.0.0.1 ")), before);
        assertTrue(before.lines().anyMatch(l -> l.contains(" ge-1/0/1.0 ") && l.contains(" Full ") && l.contains(" 10.0.0.3 ")), before);
        assertTrue(before.lines().anyMatch(l -> l.startsWith("10.0.0.3 ") && l.contains(" ms-1/2/0.1 ") && l.contains(" Full ")), before);
        assertTrue(before.lines().anyMatch(l -> l.startsWith("10.1.56.0/30 ") && l.contains("*[OSPF/10]")), before);

        // R1's path to R4's side: R2 (10.1.12.1) first, R4 last; between them R3 over the underlay, or
        // across the tunnel R2's inside unit (its borrowed 10.0.0.2) and then R3's (10.0.0.3): equal-cost.
        assertTrue(before.lines().anyMatch(l -> l.matches(" 1  10\\.1\\.12\\.1 .*")), before);
        assertTrue(before.lines().anyMatch(l -> l.matches(" [34]  10\\.1\\.56\\.2 .*")), before);
        // 40 pings through 50% loss each way: about a quarter come back; all or none would be 2^-17 or rarer.
        java.util.regex.Matcher lossy = java.util.regex.Pattern.compile("(?m)^40 packets transmitted, (\\d+) received").matcher(before);
        assertTrue(lossy.find() && Integer.parseInt(lossy.group(1)) < 40, before);
        assertTrue(before.lines().anyMatch(l -> l.startsWith("link r1 ge-1/0/0.0 ") && l.matches(".*loss 50% \\(dropped r1 [1-9]\\d*, r2 [1-9]\\d*\\).*")), before);
        assertTrue(before.lines().anyMatch(l -> l.startsWith("10 packets transmitted, 10 received, 0% packet loss")), before);
        // 50% duplication each way: copies of requests and replies come back as ping's duplicates.
        assertTrue(before.lines().anyMatch(l -> l.matches("10 packets transmitted, 10 received, \\+\\d+ duplicates, .*")), before);
        assertTrue(before.lines().anyMatch(l -> l.startsWith("link r1 ge-1/0/0.0 ")
                && l.matches(".*duplicate 50% \\(copied r1 [1-9]\\d*, r2 [1-9]\\d*\\).*")), before);
        // Down: R1's only link gone, so no route (ping says so) or no answer.
        assertTrue(before.contains("Network is unreachable") || before.lines().anyMatch(l -> l.startsWith("2 packets transmitted, 0 received")), before);
        assertTrue(r.stderr().contains("fault delay: not in the netns lab: it needs the kernel's netem qdisc"), r.stderr());

        // After the power cycle: the new daemon's own IKE SA with R3 (a fresh process keeps none), OSPF
        // across the tunnel again, R1 reaching R4's side with nothing lost.
        assertEquals(3, out.lines().filter(l -> l.startsWith("10.1.56.2 answered r1 after ")).count(), out);
        assertTrue(after.lines().anyMatch(l -> l.startsWith("50 packets transmitted, 50 received")), after);
        assertTrue(after.lines().anyMatch(l -> l.startsWith("10.1.15.2 ") && l.contains(" Matured ")), after);
        assertTrue(after.lines().anyMatch(l -> l.startsWith("10.0.0.3 ") && l.contains(" ms-1/2/0.1 ") && l.contains(" Full ")), after);
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        // The lab removed its namespaces when it ended.
        String left = h.run(List.of("ip", "netns", "list"), Map.of(), 10).stdout();
        assertTrue(left.lines().noneMatch(l -> l.startsWith(PREFIX)), left);
    }
}
