package io.sallyport.net.linux;

import io.sallyport.net.PortCounter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AF_XDP on a device of several receive queues: two namespaces of their own joined by a veth pair
 * of four queues each way. A frame sent through A's AF_XDP socket on TX queue q leaves with queue
 * mapping q, and veth hands it to B's receive queue q when B runs XDP natively (veth_xmit takes the
 * peer's rq by the skb's queue mapping), so the test picks each frame's receive queue. On B, ESP
 * arriving on queue q reaches the socket of queue q and no other; a queue whose XSKMAP slot is
 * empty, fragments and ESP to another address go to the kernel's raw sockets; and the receive port
 * of the address takes from every queue's socket.
 */
@Tag("root")
class XdpEspMultiQueueRootTest {

    private static final String DEV_A = "spxmqa";
    private static final String DEV_B = "spxmqb";
    private static final int QUEUES = 4;
    private static final Inet4Address addrA = (Inet4Address) InetAddress.ofLiteral("198.18.81.1");
    private static final Inet4Address addrB = (Inet4Address) InetAddress.ofLiteral("198.18.81.2");
    private static final Inet4Address otherB = (Inet4Address) InetAddress.ofLiteral("198.18.81.3");

    @RegisterExtension
    static final NamespaceExtension a = NamespaceExtension.named("xmqa");
    @RegisterExtension
    static final NamespaceExtension b = NamespaceExtension.named("xmqb");

    @BeforeAll
    static void joinNamespaces() {
        RootNamespace.joinByVeth(a, DEV_A, "198.18.81.1", b, DEV_B, QUEUES, "198.18.81.2", "198.18.81.3");
    }

    @Test
    @DisplayName("ESP on each receive queue reaches that queue's AF_XDP socket; an empty slot, another address and fragments reach the kernel")
    void shouldHandEachQueuesEspToItsOwnSocket() throws Exception {
        final byte[] macA = a.mac(DEV_A);
        final byte[] macB = b.mac(DEV_B);
        final int indexA = NetNamespace.call(a.name, () -> InterfaceIoctl.index(DEV_A));
        final int indexB = NetNamespace.call(b.name, () -> InterfaceIoctl.index(DEV_B));
        final List<XskSocket> senders = new ArrayList<>();
        final List<XskSocket> receivers = new ArrayList<>();
        try (XdpEspRedirect xdpB = NetNamespace.call(b.name, () -> XdpEspRedirect.attach(indexB, DEV_B, addrB, QUEUES, XdpEspRedirect.Mode.NATIVE));
             LinuxRawEspPort rawB = NetNamespace.call(b.name, () -> LinuxRawEspPort.open(addrB));
             LinuxRawEspPort rawOtherB = NetNamespace.call(b.name, () -> LinuxRawEspPort.open(otherB))) {
            assertEquals(XdpEspRedirect.Mode.NATIVE, xdpB.mode());
            for (int q = 0; q < QUEUES; q++) {
                final int queue = q;
                senders.add(NetNamespace.call(a.name, () -> XskSocket.open(indexA, queue, 64)));
                receivers.add(NetNamespace.call(b.name, () -> XskSocket.open(indexB, queue, 64)));
            }
            // Queue 3's slot stays empty for now: its ESP goes on to the kernel, the raw socket.
            for (int q = 0; q < QUEUES - 1; q++) {
                xdpB.bind(q, receivers.get(q).fd());
            }
            final byte[] got = new byte[4096];
            for (int round = 0; round < 10; round++) {
                for (int q = 0; q < QUEUES; q++) {
                    final byte[] esp = TestPackets.esp(q * 16 + round, 200 + q);
                    send(senders.get(q), TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, esp)));
                    if (q < QUEUES - 1) {
                        final byte[] frame = receive(receivers.get(q));
                        assertArrayEquals(esp, Arrays.copyOfRange(frame, 34, frame.length), "round " + round + " queue " + q);
                    } else {
                        assertTrue(rawB.awaitReadable(5_000), "queue 3 without a socket: the kernel's");
                        assertArrayEquals(esp, Arrays.copyOf(got, rawB.receive(got, 0, got.length)), "round " + round + " queue 3");
                    }
                }
            }
            // Now queue 3 has its socket too.
            xdpB.bind(QUEUES - 1, receivers.get(QUEUES - 1).fd());
            for (int q = QUEUES - 1; q >= 0; q--) {
                final byte[] esp = TestPackets.esp(100 + q, 300);
                send(senders.get(q), TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, esp)));
                final byte[] frame = receive(receivers.get(q));
                assertArrayEquals(esp, Arrays.copyOfRange(frame, 34, frame.length), "queue " + q);
            }

            // What the program leaves to the kernel on every queue: ESP to another address, and
            // fragments (reassembled into the raw socket).
            for (int q = 0; q < QUEUES; q++) {
                final byte[] other = TestPackets.esp(120 + q, 90);
                send(senders.get(q), TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, otherB, TestPackets.PROTO_ESP, other)));
                assertTrue(rawOtherB.awaitReadable(5_000));
                assertArrayEquals(other, Arrays.copyOf(got, rawOtherB.receive(got, 0, got.length)), "another address, queue " + q);

                final byte[] whole = TestPackets.esp(130 + q, 400);
                send(senders.get(q), TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP,
                        new byte[0], 77 + q, 0x2000, Arrays.copyOf(whole, 200))));
                send(senders.get(q), TestPackets.ethernet(macB, macA, TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP,
                        new byte[0], 77 + q, 200 / 8, Arrays.copyOfRange(whole, 200, 400))));
                assertTrue(rawB.awaitReadable(5_000));
                assertArrayEquals(whole, Arrays.copyOf(got, rawB.receive(got, 0, got.length)), "fragments, queue " + q);
            }
            for (final XskSocket receiver : receivers) {
                assertEquals(-1, receiver.receive(got, 0, got.length), "no socket took anything not its own");
                assertEquals(0, receiver.receiveDropped());
            }
            assertEquals(-1, rawB.receive(got, 0, got.length));
        } finally {
            senders.forEach(XskSocket::close);
            receivers.forEach(XskSocket::close);
        }
    }

    @Test
    @DisplayName("The address's receive port has a socket on every receive queue and takes ESP from each of them")
    void shouldReceiveFromEveryQueueThroughThePort() throws Exception {
        final byte[] macA = a.mac(DEV_A);
        final byte[] macB = b.mac(DEV_B);
        final int indexA = NetNamespace.call(a.name, () -> InterfaceIoctl.index(DEV_A));
        final List<XskSocket> senders = new ArrayList<>();
        try (XdpEspReceivePort portB = NetNamespace.call(b.name, () -> XdpEspReceivePort.open(addrB, LinuxRawEspPort.open(addrB), true));
             XdpEspSender senderB = NetNamespace.call(b.name, () -> portB.newSender(LinuxRawEspPort.openHeaderSender(addrB)))) {
            assertTrue(portB.describe().contains("(native XDP, copy mode, a socket on each of 4 receive queues)"), portB.describe());
            for (int q = 0; q < QUEUES; q++) {
                final int queue = q;
                senders.add(NetNamespace.call(a.name, () -> XskSocket.open(indexA, queue, 64)));
            }
            // Every queue at once: the port takes from each socket in turn, and none of it reaches B's IP stack.
            final long kernelBefore = b.ipInReceives();
            final int perQueue = 20;
            for (int k = 0; k < perQueue; k++) {
                for (int q = 0; q < QUEUES; q++) {
                    final byte[] packet = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, TestPackets.esp(k, 100 + q));
                    assertTrue(senders.get(q).queue(TestPackets.ethernet(macB, macA, packet), 0, 14 + packet.length));
                }
            }
            for (final XskSocket sender : senders) {
                assertEquals(0, sender.flush());
            }
            final int[] perLength = new int[QUEUES];
            final byte[] got = new byte[4096];
            for (int i = 0; i < perQueue * QUEUES; i++) {
                final byte[] esp = TestPackets.receive(portB, got);
                final int q = esp.length - 100;
                assertArrayEquals(TestPackets.esp(perLength[q]++, 100 + q), esp, "queue " + q);
            }
            assertArrayEquals(new int[] {perQueue, perQueue, perQueue, perQueue}, perLength);
            assertEquals(perQueue * QUEUES, portB.counters().get(PortCounter.PACKETS_RECEIVED));
            assertEquals(0, portB.counters().get(PortCounter.RECEIVE_MALFORMED));
            assertEquals(0, portB.kernelDropped());
            assertEquals(kernelBefore, b.ipInReceives(), "no ESP passed to the kernel on any queue");
            // Three more on queue 2 alone: the per-queue counts name the queue each frame came in on.
            for (int k = 0; k < 3; k++) {
                final byte[] packet = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, TestPackets.esp(perQueue + k, 102));
                send(senders.get(2), TestPackets.ethernet(macB, macA, packet));
                assertEquals(102, TestPackets.receive(portB, got).length);
            }
            // Published once the receiving thread finds every ring empty.
            assertEquals(-1, portB.receive(got, 0, got.length));
            assertEquals(List.of(20L, 20L, 23L, 20L), portB.receivedPerQueue());
            assertEquals(Optional.of(DEV_B), portB.device());
        } finally {
            senders.forEach(XskSocket::close);
        }
        assertTrue(b.output("ip", "-n", b.name, "link", "show", DEV_B).indexOf("xdp") < 0, "detached on close");
    }

    private static void send(final XskSocket socket, final byte[] frame) {
        assertTrue(socket.queue(frame, 0, frame.length));
        assertEquals(0, socket.flush());
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
