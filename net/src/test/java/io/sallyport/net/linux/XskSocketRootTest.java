package io.sallyport.net.linux;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AF_XDP against a real kernel: two namespaces of their own joined by a veth pair, the ESP
 * redirect program ({@link XdpEspRedirect}) and an AF_XDP socket ({@link XskSocket}) on each end.
 * Frames sent through one socket's TX ring arrive whole on the other's RX ring, both ways; ESP to
 * another address of the namespace, and other protocols, still reach the kernel's sockets.
 */
@Tag("root")
class XskSocketRootTest {

    private static final String DEV_A = "spxska";
    private static final String DEV_B = "spxskb";
    private static final Inet4Address addrA = (Inet4Address) InetAddress.ofLiteral("198.18.77.1");
    private static final Inet4Address addrB = (Inet4Address) InetAddress.ofLiteral("198.18.77.2");
    private static final Inet4Address otherB = (Inet4Address) InetAddress.ofLiteral("198.18.77.3");

    @RegisterExtension
    static final NamespaceExtension a = NamespaceExtension.named("xska");
    @RegisterExtension
    static final NamespaceExtension b = NamespaceExtension.named("xskb");

    @BeforeAll
    static void joinNamespaces() {
        RootNamespace.joinByVeth(a, DEV_A, "198.18.77.1", b, DEV_B, 0, "198.18.77.2", "198.18.77.3");
    }

    @Test
    @DisplayName("ESP frames sent through one AF_XDP socket arrive byte for byte on the other, both ways; other ESP and UDP reach the kernel")
    void shouldRoundTripEspFramesAndPassTheRest() throws Exception {
        final byte[] macA = a.mac(DEV_A);
        final byte[] macB = b.mac(DEV_B);
        try (XdpEspRedirect xdpA = NetNamespace.call(a.name, () -> XdpEspRedirect.attach(InterfaceIoctl.index(DEV_A), DEV_A, addrA, 1, XdpEspRedirect.Mode.NATIVE));
             XdpEspRedirect xdpB = NetNamespace.call(b.name, () -> XdpEspRedirect.attach(InterfaceIoctl.index(DEV_B), DEV_B, addrB, 1, XdpEspRedirect.Mode.NATIVE));
             XskSocket xskA = NetNamespace.call(a.name, () -> XskSocket.open(InterfaceIoctl.index(DEV_A), 0, 64));
             XskSocket xskB = NetNamespace.call(b.name, () -> XskSocket.open(InterfaceIoctl.index(DEV_B), 0, 64));
             LinuxRawEspPort rawB = NetNamespace.call(b.name, () -> LinuxRawEspPort.open(addrB));
             LinuxRawEspPort rawOtherB = NetNamespace.call(b.name, () -> LinuxRawEspPort.open(otherB))) {
            xdpA.bind(0, xskA.fd());
            xdpB.bind(0, xskB.fd());
            // Both ends run natively: veth has an XDP hook.
            assertEquals(XdpEspRedirect.Mode.NATIVE, xdpB.mode());

            // Two hundred frames each way, more than a ring holds, so chunks are reused.
            for (int i = 0; i < 200; i++) {
                final byte[] toB = TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, TestPackets.esp(i, 1400)));
                assertTrue(xskA.queue(toB, 0, toB.length));
                assertEquals(0, xskA.flush());
                assertArrayEquals(toB, receive(xskB), "frame " + i + " A to B");

                final byte[] toA = TestPackets.ethernet(macA, macB, TestPackets.ipv4(addrB, addrA, TestPackets.PROTO_ESP, TestPackets.esp(i, 60 + i)));
                assertTrue(xskB.queue(toA, 0, toA.length));
                assertEquals(0, xskB.flush());
                assertArrayEquals(toA, receive(xskA), "frame " + i + " B to A");
            }
            assertEquals(0, xskA.receiveDropped());
            assertEquals(0, xskB.receiveDropped());

            // ESP to B's other address is not the program's: the kernel hands it to that raw socket.
            final byte[] espOther = TestPackets.esp(7, 100);
            final byte[] toOther = TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, otherB, TestPackets.PROTO_ESP, espOther));
            assertTrue(xskA.queue(toOther, 0, toOther.length));
            assertEquals(0, xskA.flush());
            assertTrue(rawOtherB.awaitReadable(5_000));
            final byte[] got = new byte[2048];
            final int n = rawOtherB.receive(got, 0, got.length);
            assertArrayEquals(espOther, Arrays.copyOf(got, n));

            // UDP (IKE, ESP in UDP) to the gateway's own address goes on to the kernel too.
            try (LinuxUdpPort udpB = NetNamespace.call(b.name, () -> LinuxUdpPort.bind(new java.net.InetSocketAddress(addrB, 4500), false))) {
                final byte[] data = TestPackets.esp(9, 80);
                final byte[] udp = TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_UDP, TestPackets.udp(4500, 4500, data)));
                assertTrue(xskA.queue(udp, 0, udp.length));
                assertEquals(0, xskA.flush());
                assertTrue(udpB.awaitReadable(5_000));
                final int m = udpB.receive(got, 0, got.length);
                assertArrayEquals(data, Arrays.copyOf(got, m));
            }
            // The redirected ESP never reached B's raw socket for its own address.
            assertEquals(-1, rawB.receive(got, 0, got.length));
        }
        // Closing the link detached the program: ESP to B is the kernel's again.
        assertTrue(b.output("ip", "-n", b.name, "link", "show", DEV_B).indexOf("xdp") < 0);
    }

    @Test
    @DisplayName("A frame slot costs no allocation: the AF_XDP socket's and the packet socket's slots are made once")
    void shouldHandOutSlotsWithoutAllocating() throws Exception {
        final int index = NetNamespace.call(a.name, () -> InterfaceIoctl.index(DEV_A));
        try (XskSocket xsk = NetNamespace.call(a.name, () -> XskSocket.open(index, 0, 64));
             LinuxFrameSender frames = NetNamespace.call(a.name, () -> LinuxFrameSender.open(index))) {
            final FrameOut transmit = xsk.transmit();
            for (final FrameOut out : new FrameOut[] {transmit, frames}) {
                final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                final long before = threads.getCurrentThreadAllocatedBytes();
                long sum = 0;
                // Interpreted and C1-compiled calls count too (no escape analysis there): a slice per call is megabytes.
                for (int i = 0; i < 100_000; i++) {
                    final java.lang.foreign.MemorySegment slot = out.slot();
                    slot.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i & 1023, (byte) i);
                    sum += slot.byteSize();
                }
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(sum > 0);
                assertTrue(allocated < 100_000, out.getClass().getSimpleName() + ": " + allocated + " bytes for 100,000 slots");
            }
        }
    }

    private static byte[] receive(final XskSocket socket) {
        final byte[] buf = new byte[XskSocket.MAX_FRAME];
        for (int tries = 0; tries < 50; tries++) {
            final int n = socket.receive(buf, 0, buf.length);
            if (n >= 0) {
                return Arrays.copyOf(buf, n);
            }
            socket.awaitReadable(100);
        }
        throw new AssertionError("no frame");
    }
}
