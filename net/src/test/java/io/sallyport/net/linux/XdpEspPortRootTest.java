package io.sallyport.net.linux;

import io.sallyport.net.PortCounter;
import io.sallyport.net.SendBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AF_XDP ports of two local gateways against a real kernel: two namespaces of their own
 * joined by a veth pair, an {@link XdpEspReceivePort} and {@link XdpEspSender}s on each end. ESP
 * goes through the kernel until the sender's path has resolved the next hop, as frames after that,
 * and arrives as ESP at the far port either way; a packet longer than the MTU goes through the
 * kernel, which fragments it, and arrives reassembled through the far port's raw socket. One end
 * runs the XDP program natively, the other generically.
 */
@Tag("root")
class XdpEspPortRootTest {

    private static final String DEV_A = "spxpa";
    private static final String DEV_B = "spxpb";
    private static final Inet4Address addrA = (Inet4Address) InetAddress.ofLiteral("198.18.79.1");
    private static final Inet4Address addrB = (Inet4Address) InetAddress.ofLiteral("198.18.79.2");

    @RegisterExtension
    static final NamespaceExtension a = NamespaceExtension.named("xporta");
    @RegisterExtension
    static final NamespaceExtension b = NamespaceExtension.named("xportb");

    @BeforeAll
    static void joinNamespaces() {
        RootNamespace.joinByVeth(a, DEV_A, "198.18.79.1", b, DEV_B, 0, "198.18.79.2");
    }

    @Test
    @DisplayName("ESP goes through the kernel until the next hop is known, as frames after; both arrive as ESP; an over-MTU packet is fragmented by the kernel and arrives whole")
    void shouldSendFramesOnceResolvedAndFallBackForTheRest() throws Exception {
        try (XdpEspReceivePort portA = NetNamespace.call(a.name, () -> XdpEspReceivePort.open(addrA, LinuxRawEspPort.open(addrA), true));
             XdpEspReceivePort portB = NetNamespace.call(b.name, () -> XdpEspReceivePort.open(addrB, LinuxRawEspPort.open(addrB), false))) {
            // No program on a device until a tunnel sends plain ESP.
            assertFalse(portA.attached());
            assertTrue(portA.describe().contains("attached when a tunnel first sends plain ESP"), portA.describe());
            assertFalse(a.output("ip", "-n", a.name, "link", "show", DEV_A).contains("xdp"));
            final XdpEspSender senderA = NetNamespace.call(a.name, () -> portA.newSender(LinuxRawEspPort.openHeaderSender(addrA)));
            final XdpEspSender senderB = NetNamespace.call(b.name, () -> portB.newSender(LinuxRawEspPort.openHeaderSender(addrB)));
            // A native, B generic (skb) mode: each end receives what the other sends either way.
            assertTrue(portA.describe().contains("through AF_XDP on " + DEV_A + " (native XDP"), portA.describe());
            assertTrue(portB.describe().contains("through AF_XDP on " + DEV_B + " (generic XDP"), portB.describe());
            // A second sender on the same address has a packet socket of its own.
            final XdpEspSender secondA = NetNamespace.call(a.name, () -> portA.newSender(LinuxRawEspPort.openHeaderSender(addrA)));
            final InetSocketAddress toB = new InetSocketAddress(addrB, 0);
            final byte[] got = new byte[4096];

            // The path's resolver asks at once for a new destination, then once a second: the
            // kernel's ARP, which the first packets through it started, is done by then.
            final long deadline = System.nanoTime() + 5_000_000_000L;
            for (int i = 0; frames(senderA) == 0 && System.nanoTime() < deadline; i++) {
                final byte[] esp = TestPackets.esp(i, 1000);
                final byte[] packet = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, esp);
                assertTrue(senderA.send(packet, 0, packet.length, toB));
                assertArrayEquals(esp, TestPackets.receive(portB, got), "packet " + i);
                assertEquals(addrA, portB.lastSource().getAddress());
            }
            assertTrue(senderA.counters().get(PortCounter.SENT_THROUGH_KERNEL) >= 1, "the first packet had no next hop yet");
            assertEquals(1, frames(senderA), "sent as a frame once resolved");

            // Batches of frames from both senders.
            final SendBatch batch = senderA.newSendBatch();
            final SendBatch second = secondA.newSendBatch();
            for (int round = 0; round < 20; round++) {
                for (int k = 0; k < 40; k++) {
                    final byte[] packet = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, TestPackets.esp(k, 100 + k));
                    assertTrue((k % 2 == 0 ? batch : second).add(packet, 0, packet.length, toB));
                }
                batch.flush();
                second.flush();
                final byte[][] arrived = new byte[40][];
                for (int k = 0; k < 40; k++) {
                    final byte[] esp = TestPackets.receive(portB, got);
                    arrived[esp.length - 100] = esp;
                }
                for (int k = 0; k < 40; k++) {
                    assertArrayEquals(TestPackets.esp(k, 100 + k), arrived[k], "round " + round + " packet " + k);
                }
            }
            assertEquals(1 + 20 * 20, frames(senderA));
            assertEquals(20 * 20, frames(secondA));

            // Longer than the veth's 1500: through the kernel, which fragments it (no DF); B's kernel reassembles it.
            final byte[] big = TestPackets.esp(99, 2500);
            final byte[] bigPacket = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, big);
            final long viaKernel = senderA.counters().get(PortCounter.SENT_THROUGH_KERNEL);
            assertTrue(senderA.send(bigPacket, 0, bigPacket.length, toB));
            assertEquals(viaKernel + 1, senderA.counters().get(PortCounter.SENT_THROUGH_KERNEL));
            assertArrayEquals(big, TestPackets.receive(portB, got));
            assertEquals(0, portB.kernelDropped());

            // And back: B's sender to A's port.
            final long backDeadline = System.nanoTime() + 5_000_000_000L;
            final InetSocketAddress toA = new InetSocketAddress(addrA, 0);
            for (int i = 0; frames(senderB) == 0 && System.nanoTime() < backDeadline; i++) {
                final byte[] esp = TestPackets.esp(i, 300);
                final byte[] packet = TestPackets.ipv4(addrB, addrA, TestPackets.PROTO_ESP, esp);
                assertTrue(senderB.send(packet, 0, packet.length, toA));
                assertArrayEquals(esp, TestPackets.receive(portA, got), "packet " + i + " B to A");
            }
            assertEquals(1, frames(senderB));

            secondA.close();
            senderA.close();
            senderB.close();
        }
        // The last user closed: the program is detached.
        assertFalse(b.output("ip", "-n", b.name, "link", "show", DEV_B).contains("xdp"));
        assertFalse(a.output("ip", "-n", a.name, "link", "show", DEV_A).contains("xdp"));
    }

    @Test
    @DisplayName("ESP in IPv4 packets with options (IHL over 5) arrives intact through AF_XDP; a header whose options break its checksum is counted malformed")
    void shouldReceiveEspBehindIpv4Options() throws Exception {
        final byte[] macA = a.mac(DEV_A);
        final byte[] macB = b.mac(DEV_B);
        final int indexA = NetNamespace.call(a.name, () -> InterfaceIoctl.index(DEV_A));
        try (XdpEspReceivePort portB = NetNamespace.call(b.name, () -> XdpEspReceivePort.open(addrB, LinuxRawEspPort.open(addrB), true));
             XdpEspSender senderB = NetNamespace.call(b.name, () -> portB.newSender(LinuxRawEspPort.openHeaderSender(addrB)));
             XskSocket xskA = NetNamespace.call(a.name, () -> XskSocket.open(indexA, 0, 64))) {
            assertTrue(portB.attached());
            final long kernelBefore = b.ipInReceives();
            final byte[] got = new byte[4096];
            // Router alert (4 bytes), then the longest header there is: 40 bytes of options
            // (a timestamp option's 36 and an end of list).
            final byte[][] optionSets = {{(byte) 0x94, 4, 0, 0}, timestampOptions()};
            for (int k = 0; k < optionSets.length; k++) {
                for (final int len : new int[] {8, 100, 1400}) {
                    final byte[] esp = TestPackets.esp(k * 3 + len, len);
                    final byte[] packet = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, optionSets[k], 40 + k, 0, esp);
                    assertEquals(20 + optionSets[k].length, (packet[0] & 0x0f) * 4);
                    assertTrue(xskA.queue(TestPackets.ethernet(macB, macA, packet), 0, 14 + packet.length));
                    assertEquals(0, xskA.flush());
                    assertArrayEquals(esp, TestPackets.receive(portB, got), optionSets[k].length + " bytes of options, " + len + " of ESP");
                    assertEquals(addrA, portB.lastSource().getAddress());
                }
            }
            // An option byte changed after the checksum: malformed, dropped, counted; the next packet arrives.
            final byte[] broken = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, new byte[] {(byte) 0x94, 4, 0, 0}, 50, 0, TestPackets.esp(1, 64));
            broken[22] = 1;
            final byte[] next = TestPackets.esp(2, 64);
            final byte[] nextPacket = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, new byte[] {(byte) 0x94, 4, 0, 0}, 51, 0, next);
            assertTrue(xskA.queue(TestPackets.ethernet(macB, macA, broken), 0, 14 + broken.length));
            assertTrue(xskA.queue(TestPackets.ethernet(macB, macA, nextPacket), 0, 14 + nextPacket.length));
            assertEquals(0, xskA.flush());
            assertArrayEquals(next, TestPackets.receive(portB, got));
            assertEquals(1, portB.counters().get(PortCounter.RECEIVE_MALFORMED));
            assertEquals(7, portB.counters().get(PortCounter.PACKETS_RECEIVED));
            assertEquals(kernelBefore, b.ipInReceives(), "all through AF_XDP, none through the kernel");
        }
    }

    /** A timestamp option of 36 bytes (type 68, pointer past the 8 slots: full, flag 0) and an end of list, padded to 40. */
    private static byte[] timestampOptions() {
        final byte[] o = new byte[40];
        o[0] = 68;
        o[1] = 36;
        o[2] = 37;
        for (int i = 4; i < 36; i++) {
            o[i] = (byte) (i * 7);
        }
        return o;
    }

    /** Packets sent as frames: the counters hold both ways out, and nothing is dropped here. */
    private static long frames(final XdpEspSender sender) {
        return sender.counters().get(PortCounter.PACKETS_SENT) - sender.counters().get(PortCounter.SENT_THROUGH_KERNEL);
    }
}
