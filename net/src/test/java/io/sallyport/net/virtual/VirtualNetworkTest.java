package io.sallyport.net.virtual;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualNetworkTest {

    static final InetAddress GW_A = addr("192.0.2.1");
    static final InetAddress GW_B = addr("192.0.2.2");
    static final long MS = 1_000_000L;

    private VirtualNetwork net;
    private VirtualDatagramPort a;
    private VirtualDatagramPort b;
    private final byte[] buf = new byte[2048];

    static InetAddress addr(final String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @BeforeEach
    void setUp() {
        net = new VirtualNetwork();
        a = net.openUdp(new InetSocketAddress(GW_A, 500));
        b = net.openUdp(new InetSocketAddress(GW_B, 500));
    }

    private boolean sendAtoB(final int marker) {
        return a.send(new byte[] {(byte) marker}, 0, 1, b.localAddress());
    }

    @Test
    void shouldDeliverAfterLatencyAndNotOneNanosecondBefore() {
        net.link(GW_A, GW_B).latency(5 * MS);
        assertTrue(a.send(new byte[] {9, 8, 7}, 0, 3, new InetSocketAddress(GW_B, 500)));
        assertEquals(OptionalLong.of(5 * MS), net.nextDeliveryNanos());

        net.advanceTo(5 * MS - 1);
        assertFalse(b.awaitReadable(0));
        assertEquals(-1, b.receive(buf, 0, buf.length));

        net.advanceBy(1);
        assertTrue(b.awaitReadable(0));
        assertEquals(3, b.receive(buf, 10, 100));
        assertArrayEquals(new byte[] {9, 8, 7}, java.util.Arrays.copyOfRange(buf, 10, 13));
        assertEquals(new InetSocketAddress(GW_A, 500), b.lastSource());
        assertEquals(1, net.link(GW_B, GW_A).delivered(), "the same link in either direction");
        assertEquals(1, b.counters().get(PortCounter.PACKETS_RECEIVED));
        assertEquals(3, a.counters().get(PortCounter.BYTES_SENT));
        assertEquals(OptionalLong.empty(), net.nextDeliveryNanos());
    }

    @Test
    void shouldRefuseSendWhenNoLinkJoinsTheHosts() {
        assertFalse(sendAtoB(1));
        assertEquals(1, net.dropped(VirtualDropReason.NO_ROUTE));
        assertEquals(1, a.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE));
    }

    @Test
    void shouldLoseTrafficWhileLinkDownIncludingDatagramsInFlight() {
        final VirtualLink link = net.link(GW_A, GW_B).latency(MS);
        sendAtoB(1);
        link.down();
        net.advanceBy(MS);
        assertTrue(sendAtoB(2), "the sender does not learn of a down link");
        net.advanceBy(MS);
        assertEquals(-1, b.receive(buf, 0, buf.length));
        assertEquals(2, link.dropped(VirtualDropReason.LINK_DOWN));

        link.up();
        sendAtoB(3);
        net.advanceBy(MS);
        assertEquals(1, b.receive(buf, 0, buf.length));
        assertEquals(3, buf[0]);
    }

    @Test
    void shouldDropDatagramsLargerThanLinkMtu() {
        net.link(GW_A, GW_B).mtu(1400);
        final byte[] big = new byte[1400 - 28 + 1];
        a.send(big, 0, big.length, b.localAddress());
        a.send(big, 0, big.length - 1, b.localAddress());
        net.deliverDue();
        assertEquals(1372, b.receive(buf, 0, buf.length));
        assertEquals(-1, b.receive(buf, 0, buf.length));
        assertEquals(1, net.dropped(VirtualDropReason.TOO_BIG));
    }

    @Test
    void shouldCountDatagramsNobodyListensFor() {
        net.link(GW_A, GW_B);
        a.send(buf, 0, 10, new InetSocketAddress(GW_B, 4500));
        net.deliverDue();
        assertEquals(1, net.dropped(VirtualDropReason.NO_LISTENER));
    }

    @Test
    void shouldDropWhenReceiveQueueIsFull() {
        net.link(GW_A, GW_B);
        for (int i = 0; i < 1025; i++) {
            sendAtoB(i);
        }
        net.deliverDue();
        assertEquals(1, net.dropped(VirtualDropReason.QUEUE_FULL));
        assertEquals(1, b.counters().get(PortCounter.RECEIVE_DROPPED_QUEUE_FULL));
    }

    @Test
    void shouldDeliverInSendOrderWhenDueAtTheSameTime() {
        net.link(GW_A, GW_B).latency(MS);
        for (int i = 1; i <= 5; i++) {
            sendAtoB(i);
        }
        net.advanceBy(MS);
        for (int i = 1; i <= 5; i++) {
            b.receive(buf, 0, 1);
            assertEquals(i, buf[0]);
        }
    }

    @Test
    void shouldPickEphemeralPortsAndRefuseDoubleBind() {
        final VirtualDatagramPort e1 = net.openUdp(new InetSocketAddress(GW_A, 0));
        final VirtualDatagramPort e2 = net.openUdp(new InetSocketAddress(GW_A, 0));
        assertEquals(49152, e1.localAddress().getPort());
        assertEquals(49153, e2.localAddress().getPort());
        final HostNetworkException e = assertThrows(HostNetworkException.class,
                () -> net.openUdp(new InetSocketAddress(GW_A, 500)));
        assertTrue(e.getMessage().contains("192.0.2.1:500"), e.getMessage());
        a.close();
        net.openUdp(new InetSocketAddress(GW_A, 500));
    }

    @Test
    void shouldDeliverToWildcardBindingWhenNoExactPortMatches() {
        net.link(GW_A, GW_B);
        final VirtualDatagramPort any = net.openUdp(new InetSocketAddress(addr("0.0.0.0"), 4500));
        a.send(new byte[] {4}, 0, 1, new InetSocketAddress(GW_B, 4500));
        net.deliverDue();
        assertEquals(1, any.receive(buf, 0, buf.length));
    }

    @Test
    void shouldKeepRawEspApartFromUdp() {
        net.link(GW_A, GW_B);
        final VirtualDatagramPort espA = net.openRawEsp(GW_A);
        final VirtualDatagramPort espB = net.openRawEsp(GW_B);
        espA.send(new byte[] {0, 0, 1, 0}, 0, 4, new InetSocketAddress(GW_B, 1234));
        net.deliverDue();
        assertEquals(-1, b.receive(buf, 0, buf.length), "ESP never reaches a UDP port");
        assertEquals(4, espB.receive(buf, 0, buf.length));
        assertEquals(new InetSocketAddress(GW_A, 0), espB.lastSource());
        assertEquals(0, espB.localAddress().getPort());
    }

    @Test
    void shouldDeliverBetweenPortsOfOneHostWithoutALink() {
        final VirtualDatagramPort other = net.openUdp(new InetSocketAddress(GW_A, 4500));
        assertTrue(a.send(new byte[] {1}, 0, 1, other.localAddress()));
        net.deliverDue();
        assertEquals(1, other.receive(buf, 0, buf.length));
    }

    @Test
    void shouldTruncateToTheReceiveBuffer() {
        net.link(GW_A, GW_B);
        a.send(new byte[] {1, 2, 3, 4}, 0, 4, b.localAddress());
        net.deliverDue();
        assertEquals(2, b.receive(buf, 0, 2));
    }

    @Test
    void shouldRefuseTimeGoingBackwards() {
        net.advanceTo(10);
        assertThrows(IllegalArgumentException.class, () -> net.advanceTo(9));
        assertThrows(IllegalArgumentException.class, () -> net.link(GW_A, GW_A));
    }

    @Test
    void shouldRefuseSendOnClosedPort() {
        a.close();
        assertThrows(IllegalStateException.class, () -> sendAtoB(1));
    }

    @Test
    @DisplayName("two gateways exchange a request and a reply over a lossy link, deterministically")
    void shouldRunRequestReplyOverFaultyLink() {
        net.link(GW_A, GW_B).latency(2 * MS).addFault(LinkFaults.dropNth(1));
        // IKE_SA_INIT request -->   (lost)
        sendAtoB(1);
        net.advanceBy(2 * MS);
        assertFalse(b.awaitReadable(0));
        // IKE_SA_INIT request -->   (retransmitted)
        sendAtoB(1);
        net.advanceBy(2 * MS);
        assertEquals(1, b.receive(buf, 0, buf.length));
        //                     <-- IKE_SA_INIT response
        b.send(new byte[] {2}, 0, 1, b.lastSource());
        net.advanceBy(2 * MS);
        assertEquals(1, a.receive(buf, 0, buf.length));
        assertEquals(2, buf[0]);
        assertEquals(1, net.dropped(VirtualDropReason.FAULT));
    }
}
