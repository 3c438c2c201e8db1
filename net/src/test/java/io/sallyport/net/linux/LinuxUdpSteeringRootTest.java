package io.sallyport.net.linux;

import io.sallyport.net.SpiSteering;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LinuxUdpPort#bindSteered} against the kernel, in namespace {@code sp-net-test-udpsteer-PID}
 * (192.0.2.1/24 and 2001:db8::1 and ::2/64 on its loopback), over IPv4 and IPv6: ESP-in-UDP datagrams with chosen SPIs, IKE and keepalives,
 * each from a source port of its own (so the kernel's hash would spread them over the group),
 * reach the receiver the SPI picks, IKE and keepalives receiver 0, and the send-only members
 * joined after the receivers get nothing, before and after one of them closes.
 */
@Tag("root")
class LinuxUdpSteeringRootTest {
    private static final int RECEIVERS = 3;

    @RegisterExtension
    static final NamespaceExtension ns = NamespaceExtension.named("udpsteer");

    @BeforeAll
    static void addLoopbackAddresses() {
        ns.run("ip", "-n", ns.name, "link", "set", "lo", "up");
        ns.run("ip", "-n", ns.name, "addr", "add", "192.0.2.1/24", "dev", "lo");
        ns.run("ip", "-n", ns.name, "addr", "add", "2001:db8::1/64", "dev", "lo", "nodad");
        ns.run("ip", "-n", ns.name, "addr", "add", "2001:db8::2/64", "dev", "lo", "nodad");
    }

    @BeforeEach
    void requireSteering() {
        Assumptions.assumeTrue(LinuxUdpPort.spiSteeringAvailable(), "this kernel refuses the reuseport program");
    }

    /** A datagram the test sends, and the receiver it must reach. */
    private record Probe(byte[] payload, int receiver) {
        static Probe esp(final int spi, final int receiver, final int tag) {
            return new Probe(new byte[] {(byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi,
                0, 0, 0, 1, (byte) tag, 0, 0, 0}, receiver);
        }
    }

    /**
     * Expected receivers worked out by hand (SPI mod 3, unsigned), not by {@link SpiSteering}, so
     * the kernel program and the Java function are each checked against the arithmetic.
     */
    private static List<Probe> probes() {
        List<Probe> p = new ArrayList<>();
        p.add(Probe.esp(0x0000_0100, 1, 1));           // 256 = 3 * 85 + 1
        p.add(Probe.esp(0x0000_0101, 2, 2));           // 257
        p.add(Probe.esp(0x0000_0102, 0, 3));           // 258
        p.add(Probe.esp(0x8000_0000, 2, 4));           // 2147483648 = 3 * 715827882 + 2
        p.add(Probe.esp(0xFFFF_FFFF, 0, 5));           // 4294967295 = 3 * 1431655765
        p.add(Probe.esp(0xC000_0001, 1, 6));           // 3221225473 = 3 * 1073741824 + 1
        p.add(new Probe(new byte[] {0, 0, 0, 0, 7, 1, 2, 3}, 0)); // IKE: the non-ESP marker
        p.add(new Probe(new byte[] {(byte) 0xFF}, 0));  // NAT-T keepalive
        p.add(new Probe(new byte[] {9, 9, 9}, 0));      // shorter than an SPI
        return p;
    }

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({"192.0.2.1, 192.0.2.2", "2001:db8::1, 2001:db8::2"})
    void shouldSteerEachDatagramToTheReceiverOfItsSpiAndIkeToTheFirstBeforeAndAfterASenderCloses(
            final String localAddress, final String peerAddress) {
        InetAddress peerHost = InetAddress.ofLiteral(peerAddress);
        NetNamespace.call(ns.name, () -> {
            InetSocketAddress local = new InetSocketAddress(InetAddress.ofLiteral(localAddress), 4500);
            List<LinuxUdpPort> receivers = LinuxUdpPort.bindSteered(local, true, 0, RECEIVERS);
            LinuxUdpPort twin1 = LinuxUdpPort.bindSender(local);
            LinuxUdpPort twin2 = LinuxUdpPort.bindSender(local);
            LinuxUdpPort twin3 = LinuxUdpPort.bindSender(local);
            try {
                for (Probe p : probes()) {
                    assertEquals(p.receiver(), SpiSteering.receiverOf(p.payload(), 0, p.payload().length, RECEIVERS),
                            "the Java function agrees with the arithmetic");
                }
                sendAndCheck(receivers, List.of(twin1, twin2, twin3), peerHost);
                // The kernel moves the last member into a closed one's place: the senders come
                // after the receivers, so the receivers' places do not change.
                twin1.close();
                sendAndCheck(receivers, List.of(twin2, twin3), peerHost);
                twin3.close();
                sendAndCheck(receivers, List.of(twin2), peerHost);
            } finally {
                twin2.close();
                twin3.close();
                for (int i = receivers.size() - 1; i >= 0; i--) {
                    receivers.get(i).close();
                }
            }
            return null;
        });
    }

    private static void sendAndCheck(final List<LinuxUdpPort> receivers, final List<LinuxUdpPort> senders,
            final InetAddress peerHost) {
        List<Probe> probes = probes();
        Map<Integer, List<String>> expected = new TreeMap<>();
        for (int r = 0; r < RECEIVERS; r++) {
            expected.put(r, new ArrayList<>());
        }
        List<LinuxUdpPort> peers = new ArrayList<>();
        try {
            // Each probe from a port of its own, four times: sixteen and more flows that the
            // group's hash would spread over every member, twins included.
            for (int round = 0; round < 4; round++) {
                for (Probe p : probes) {
                    LinuxUdpPort peer = LinuxUdpPort.bind(new InetSocketAddress(peerHost, 0), false);
                    peers.add(peer);
                    assertTrue(peer.send(p.payload(), 0, p.payload().length, receivers.get(0).localAddress()));
                    expected.get(p.receiver()).add(java.util.HexFormat.of().formatHex(p.payload()));
                }
            }
            Map<Integer, List<String>> got = new TreeMap<>();
            int total = 0;
            byte[] in = new byte[64];
            long deadline = System.nanoTime() + 5_000_000_000L;
            for (int r = 0; r < RECEIVERS; r++) {
                got.put(r, new ArrayList<>());
            }
            while (total < probes.size() * 4 && System.nanoTime() < deadline) {
                for (int r = 0; r < RECEIVERS; r++) {
                    LinuxUdpPort port = receivers.get(r);
                    port.awaitReadable(10);
                    int n;
                    while ((n = port.receive(in, 0, in.length)) >= 0) {
                        got.get(r).add(java.util.HexFormat.of().formatHex(in, 0, n));
                        total++;
                    }
                }
            }
            assertEquals(expected, got, "each datagram at the receiver its SPI picks");
            for (LinuxUdpPort twin : senders) {
                assertEquals(-1, twin.receive(in, 0, in.length), "a sender receives nothing");
            }
        } finally {
            peers.forEach(LinuxUdpPort::close);
        }
    }
}
