package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Sallyports over a wan of two queues each way ({@link Harness#wanQueues}): gw-b
 * receives plain ESP through AF_XDP, with a socket on each of its two receive queues. A veth
 * hands a frame to the peer's receive queue of the sender's TX queue (veth_xmit, native XDP on
 * the peer), so the test picks the queue by picking gw-a's TX queue: gw-a sends through its raw
 * sockets, where the kernel takes the TX queue from XPS (tx-0 for CPU 0, tx-1 for CPU 1), and
 * its daemon is pinned to one CPU at a time ({@code taskset}).
 */
@Tag("interop")
class SallyportMultiQueueTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("spq-", Harness.Topology.DIRECT, 2);
    private static final Pattern PER_QUEUE =
        Pattern.compile("AF_XDP frames received on 192\\.0\\.2\\.2 \\(wan\\), per receive queue: 0: (\\d+), 1: (\\d+)\\n");
    private static final Pattern DECRYPTED = Pattern.compile("Decrypted packets:\\s+(\\d+)");

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    /** gw-b's frames per receive queue as its show prints them; {0, 0} before the first. */
    private static long[] perQueue(SallyportDaemon b) {
        String sets = b.cli("show services service-sets");
        Matcher m = PER_QUEUE.matcher(sets);
        if (!m.find()) {
            assertTrue(!sets.contains("AF_XDP frames received"), "two queues expected:\n" + sets);
            return new long[] {0, 0};
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static long decrypted(SallyportDaemon b) {
        String stats = b.cli("show services ipsec-vpn ipsec statistics");
        Matcher m = DECRYPTED.matcher(stats);
        assertTrue(m.find(), stats);
        return Long.parseLong(m.group(1));
    }

    /** Pins every thread of gw-a's daemon to CPU {@code cpu}: from now on its ESP leaves on TX queue {@code cpu}. */
    private void pinGwA(SallyportDaemon a, int cpu) {
        h.run(java.util.List.of("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(a.pid())),
            java.util.Map.of(), 10).orThrow();
    }

    /** Pings and a TCP transfer from host-a to host-b, gw-a pinned to {@code cpu}; gw-b's counts before and after. */
    private long[][] trafficFromCpu(SallyportDaemon a, SallyportDaemon b, int cpu) {
        long[] before = perQueue(b);
        pinGwA(a, cpu);
        Ping ping = h.ping("host-a", "198.18.2.10", 5, 0.2);
        assertTrue(ping.allAnswered(), "host-a -> host-b, gw-a on CPU " + cpu + ": " + ping.output());
        double mbit = h.iperf("host-a", "host-b", "198.18.2.10", 2, false);
        assertTrue(mbit > 0, "TCP host-a -> host-b, gw-a on CPU " + cpu + ": " + mbit + " Mbit/s");
        long[] after = perQueue(b);
        System.out.println("evidence: gw-a on CPU " + cpu + ": ping " + ping + ", TCP " + Math.round(mbit)
            + " Mbit/s; gw-b's frames per receive queue " + after[0] + ", " + after[1]
            + " (before " + before[0] + ", " + before[1] + ")");
        return new long[][] {before, after};
    }

    @Test
    void espOnBothReceiveQueuesReachesItsSocketAndIsDecrypted() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "XPS needs two CPUs to give two TX queues");
        h.inNs("gw-a", 10, "sh", "-c",
            "echo 1 > /sys/class/net/wan/queues/tx-0/xps_cpus && echo 2 > /sys/class/net/wan/queues/tx-1/xps_cpus").orThrow();
        SallyportDaemon a = BED.daemon("gw-a", "mq-a", GatewayConfig.gwA().render(), "-Dsallyport.esp.af-xdp=false");
        SallyportDaemon b = BED.daemon("gw-b", "mq-b", GatewayConfig.gwB().render());
        boolean up = Testbed.await(Duration.ofSeconds(30), () -> b.cli("show services service-sets").replaceAll("\\s+", " ")
            .contains("through AF_XDP on wan (native XDP, copy mode, a socket on each of 2 receive queues)"));
        assertTrue(up, "gw-b's AF_XDP path on both queues within 30 s:\n" + b.cli("show services service-sets")
            + a.cli("show services ipsec-vpn ike security-associations"));
        // gw-b's data path says nothing of the tunnel: gw-a's first IKE_SA_INIT went out before gw-b
        // ran, and its retransmission comes seconds later. The pings need the pair at both ends.
        a.awaitSaPairWith(b);

        long[][] cpu0 = trafficFromCpu(a, b, 0);
        assertTrue(cpu0[1][0] - cpu0[0][0] >= 5, "queue 0 took gw-a's ESP from CPU 0");
        assertEquals(cpu0[0][1], cpu0[1][1], "nothing on queue 1 while gw-a sent from CPU 0");

        long[][] cpu1 = trafficFromCpu(a, b, 1);
        assertTrue(cpu1[1][1] - cpu1[0][1] >= 5, "queue 1 took gw-a's ESP from CPU 1");
        assertEquals(cpu1[0][0], cpu1[1][0], "nothing on queue 0 while gw-a sent from CPU 1");

        // Every ESP packet gw-b decrypted came through one of the two sockets, none through its raw socket.
        boolean settled = Testbed.await(Duration.ofSeconds(5), () -> {
            long[] q = perQueue(b);
            return q[0] + q[1] == decrypted(b);
        });
        long[] q = perQueue(b);
        System.out.println("evidence: gw-b decrypted " + decrypted(b) + ", frames per queue " + q[0] + ", " + q[1]
            + "\n" + b.cli("show services service-sets"));
        assertTrue(settled, "decrypted " + decrypted(b) + " = frames " + q[0] + " + " + q[1]);
    }
}
