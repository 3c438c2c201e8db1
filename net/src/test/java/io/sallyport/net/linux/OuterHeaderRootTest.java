package io.sallyport.net.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.OuterHeader;
import io.sallyport.net.PortCounter;
import io.sallyport.net.SendBatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outer header a send batch asks for reaches the wire: the loopback of namespace
 * {@code sp-net-test-outer-PID} (MTU 1500), captured by tcpdump. IPv4 and IPv6 UDP (GSO runs
 * that must split where TTL/ToS/DF differ), raw ESP over IPv6 and raw ESP over IPv4 from a
 * protocol-50 socket (the fallback sender). DF: a 2,000-byte datagram with DF is refused by the
 * host (IPv4 IP_PMTUDISC_PROBE, IPv6 IPV6_DONTFRAG), one without leaves as fragments.
 */
@Tag("root")
class OuterHeaderRootTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6 = InetAddress.ofLiteral("::1");
    private static final int A = OuterHeader.of(37, 40, true);
    private static final int B = OuterHeader.of(9, 0x20, false);

    @RegisterExtension
    static final NamespaceExtension ns = NamespaceExtension.named("outer");

    @BeforeAll
    static void setLoopbackUp() {
        ns.run("ip", "-n", ns.name, "link", "set", "lo", "mtu", "1500", "up");
    }

    @BeforeEach
    void requireTcpdumpAndSendmmsg() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
            "needs tcpdump");
        Assumptions.assumeTrue(LinuxUdpPort.sendmmsgAvailable(), "needs sendmmsg");
    }

    /** Sends A x4, B x3, A x2 (1,200 bytes each), a 2,000-byte A (DF: refused) and B (fragmented), then a marker to port 9. */
    private void sendPattern(DatagramPort sender, InetSocketAddress to) {
        SendBatch batch = sender.newSendBatch();
        byte[] data = new byte[2000];
        int[] pattern = {A, A, A, A, B, B, B, A, A};
        for (int i = 0; i < pattern.length; i++) {
            data[0] = (byte) i;
            assertTrue(batch.add(data, 0, 1200, to, pattern[i]));
        }
        batch.add(data, 0, 2000, to, A);
        batch.add(data, 0, 2000, to, B);
        batch.flush();
        long refused = sender.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE);
        assertEquals(1, refused, "the 2,000-byte datagram with DF is refused by the host: " + sender.counters());
        batch.add(data, 0, 8, new InetSocketAddress(to.getAddress(), to.getPort() == 0 ? 0 : 9), B);
        batch.flush();
    }

    @Test
    void udpOverIpv4CarriesEachDatagramsTtlTosAndDf() throws Exception {
        try (Capture c = new Capture("udp")) {
            try (LinuxUdpPort sender = NetNamespace.call(ns.name, () -> LinuxUdpPort.bind(new InetSocketAddress(V4, 7000), false));
                 LinuxUdpPort receiver = NetNamespace.call(ns.name, () -> LinuxUdpPort.bind(new InetSocketAddress(V4, 7001), false))) {
                sendPattern(sender, new InetSocketAddress(V4, 7001));
            }
            c.awaitPacket("udp dst port 9");
            String asA = "ip[8] = 37 and ip[1] = 40 and ip[6] & 0x40 != 0";
            String asB = "ip[8] = 9 and ip[1] = 32 and ip[6] & 0x40 = 0";
            assertTrue(c.count("udp dst port 7001 and " + asA) >= 2, "A's runs, split by B's: " + c.dump());
            assertTrue(c.count("udp dst port 7001 and " + asB) >= 1, c.dump());
            assertEquals(0, c.count("udp dst port 7001 and not (" + asA + ") and not (" + asB + ")"), "no other header: " + c.dump());
            assertTrue(c.count("ip[8] = 9 and ip[1] = 32 and ip[6] & 0x20 != 0") >= 1, "B's long datagram fragmented: " + c.dump());
        }
    }

    @Test
    void udpOverIpv6CarriesEachDatagramsHopLimitTrafficClassAndDontFrag() throws Exception {
        try (Capture c = new Capture("udp")) {
            try (LinuxUdpPort sender = NetNamespace.call(ns.name, () -> LinuxUdpPort.bind(new InetSocketAddress(V6, 7000), false));
                 LinuxUdpPort receiver = NetNamespace.call(ns.name, () -> LinuxUdpPort.bind(new InetSocketAddress(V6, 7001), false))) {
                sendPattern(sender, new InetSocketAddress(V6, 7001));
            }
            c.awaitPacket("ip6 and udp dst port 9");
            String tclass = "(((ip6[0] & 0x0f) << 4) | (ip6[1] >> 4))";
            String asA = "ip6[7] = 37 and " + tclass + " = 40";
            String asB = "ip6[7] = 9 and " + tclass + " = 32";
            assertTrue(c.count("ip6 and udp dst port 7001 and " + asA) >= 2, c.dump());
            assertTrue(c.count("ip6 and udp dst port 7001 and " + asB) >= 1, c.dump());
            assertEquals(0, c.count("ip6 and udp dst port 7001 and not (" + asA + ") and not (" + asB + ")"), c.dump());
            assertTrue(c.count("ip6 and ip6[6] = 44 and " + asB) >= 1, "B's long datagram fragmented: " + c.dump());
        }
    }

    @Test
    void rawEspOverIpv6CarriesEachPacketsHopLimitAndTrafficClass() throws Exception {
        try (Capture c = new Capture("ip6")) {
            try (LinuxRawEspPort sender = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openSender(V6))) {
                sendPattern(sender, new InetSocketAddress(V6, 0));
            }
            String tclass = "(((ip6[0] & 0x0f) << 4) | (ip6[1] >> 4))";
            c.awaitPacket("ip6 proto 50 and ip6[4:2] = 8");
            String asA = "ip6[7] = 37 and " + tclass + " = 40";
            String asB = "ip6[7] = 9 and " + tclass + " = 32";
            assertTrue(c.count("ip6 proto 50 and " + asA) >= 6, c.dump());
            assertTrue(c.count("ip6 proto 50 and " + asB) >= 3, c.dump());
            assertEquals(0, c.count("ip6 proto 50 and not (" + asA + ") and not (" + asB + ")"), c.dump());
        }
    }

    @Test
    void rawEspOverIpv4FromAProtocol50SocketCarriesEachPacketsTtlTosAndDf() throws Exception {
        try (Capture c = new Capture("ip")) {
            try (LinuxRawEspPort sender = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openSender(V4))) {
                sendPattern(sender, new InetSocketAddress(V4, 0));
            }
            c.awaitPacket("ip proto 50 and ip[2:2] = 28");
            String asA = "ip[8] = 37 and ip[1] = 40 and ip[6] & 0x40 != 0";
            String asB = "ip[8] = 9 and ip[1] = 32 and ip[6] & 0x40 = 0";
            assertEquals(6, c.count("ip proto 50 and " + asA), c.dump());
            assertTrue(c.count("ip proto 50 and " + asB) >= 4, c.dump());
            assertEquals(0, c.count("ip proto 50 and not (" + asA + ") and not (" + asB + ")"), c.dump());
        }
    }

    /** tcpdump on the namespace's loopback, written to a file; stopped (by its PID) on close. */
    private final class Capture implements AutoCloseable {
        private final Path file;
        private final Process tcpdump;

        Capture(String filter) throws IOException {
            file = Files.createTempFile("sp-outer-", ".pcap");
            tcpdump = new ProcessBuilder("ip", "netns", "exec", ns.name, "tcpdump", "-i", "lo", "-n", "-U", "-w",
                file.toString(), filter).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("listening on")) {
                // tcpdump says "listening on lo" once it captures
            }
            assertTrue(line != null, "tcpdump did not start");
        }

        /** Waits (at most 10 s) until tcpdump wrote a packet matching {@code filter}. */
        void awaitPacket(String filter) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count(filter) == 0) {
                assertTrue(System.nanoTime() < deadline, "no " + filter + " captured: " + dump());
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }

        int count(String filter) {
            return (int) read(filter).lines().filter(l -> !l.isBlank()).count();
        }

        String dump() {
            return "\n" + read("");
        }

        private String read(String filter) {
            List<String> cmd = new java.util.ArrayList<>(List.of("tcpdump", "-nr", file.toString()));
            if (!filter.isEmpty()) {
                cmd.add(filter);
            }
            CommandRunner.Result r = new ProcessCommandRunner().run(cmd);
            return r.stdout();
        }

        @Override
        public void close() throws Exception {
            tcpdump.destroy();
            tcpdump.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(file);
        }
    }
}
