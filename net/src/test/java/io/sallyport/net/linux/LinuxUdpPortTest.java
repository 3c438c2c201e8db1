package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP on loopback: no privileges needed. */
class LinuxUdpPortTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void shouldExchangeDatagramsAtOffsetsAndRememberTheSource() {
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), true);
             LinuxUdpPort b = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), true)) {
            final byte[] out = {0, 0, 1, 2, 3, 0};
            assertTrue(a.send(out, 2, 3, b.localAddress()));
            assertTrue(b.awaitReadable(2000));
            final byte[] in = new byte[64];
            assertEquals(3, b.receive(in, 7, 50));
            assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(in, 7, 10));
            assertEquals(a.localAddress(), b.lastSource());
            assertEquals(-1, b.receive(in, 0, in.length));
            assertFalse(b.awaitReadable(0));
            assertEquals(1, a.counters().get(PortCounter.PACKETS_SENT));
            assertEquals(3, b.counters().get(PortCounter.BYTES_RECEIVED));

            // A reply through a different buffer re-points the cached view.
            final byte[] reply = {9};
            assertTrue(b.send(reply, 0, 1, b.lastSource()));
            assertTrue(a.awaitReadable(2000));
            assertEquals(1, a.receive(new byte[4], 0, 4));
        }
    }

    @Test
    void shouldCountUnroutableSendInsteadOfThrowing() {
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            final InetSocketAddress unresolved = InetSocketAddress.createUnresolved("gw-b.invalid", 500);
            assertFalse(a.send(new byte[1], 0, 1, unresolved));
            assertEquals(1, a.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE));
        }
    }

    @Test
    void shouldCarryIpv6AndRefuseTheOtherFamily() {
        final InetSocketAddress v6Loopback = new InetSocketAddress(addr("::1"), 0);
        try (LinuxUdpPort a = LinuxUdpPort.bind(v6Loopback, false);
             LinuxUdpPort b = LinuxUdpPort.bind(v6Loopback, false, 1 << 20);
             LinuxUdpPort v4 = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            assertTrue(a.send(new byte[] {5, 6}, 0, 2, b.localAddress()));
            assertTrue(b.awaitReadable(2000));
            assertEquals(2, b.receive(new byte[8], 0, 8));
            assertEquals(a.localAddress(), b.lastSource());
            assertFalse(v4.send(new byte[1], 0, 1, b.localAddress()), "IPv4 socket, IPv6 destination");
            assertEquals(1, v4.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE));
        }
    }

    @Test
    void shouldSendFromTheSharedPortWhileEverythingArrivingGoesToTheReceivingSocket() {
        try (LinuxUdpPort receiver = LinuxUdpPort.bindShared(new InetSocketAddress(LOOPBACK, 0), true, 0);
             LinuxUdpPort sender1 = LinuxUdpPort.bindSender(receiver.localAddress());
             LinuxUdpPort sender2 = LinuxUdpPort.bindSender(receiver.localAddress());
             LinuxUdpPort peer = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            assertEquals(receiver.localAddress(), sender1.localAddress());
            assertTrue(sender1.send(new byte[] {1}, 0, 1, peer.localAddress()));
            assertTrue(sender2.send(new byte[] {2}, 0, 1, peer.localAddress()));
            final byte[] in = new byte[8];
            for (int i = 0; i < 2; i++) {
                assertTrue(peer.awaitReadable(2000));
                assertEquals(1, peer.receive(in, 0, in.length));
                assertEquals(receiver.localAddress(), peer.lastSource(), "the senders' source is the shared port");
            }
            // Many flows (source ports) towards the shared port: the kernel would spread them over the
            // group by hash; the steering program sends every one to the receiving socket.
            final List<LinuxUdpPort> flows = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    final LinuxUdpPort f = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
                    flows.add(f);
                    assertTrue(f.send(new byte[] {(byte) i}, 0, 1, receiver.localAddress()));
                }
                int received = 0;
                while (received < 16 && receiver.awaitReadable(2000)) {
                    while (receiver.receive(in, 0, in.length) >= 0) {
                        received++;
                    }
                }
                assertEquals(16, received);
                assertEquals(-1, sender1.receive(in, 0, in.length));
                assertEquals(-1, sender2.receive(in, 0, in.length));
            } finally {
                flows.forEach(LinuxUdpPort::close);
            }
        }
    }

    @Test
    void shouldWakeAPollOnTheEventFdAndSleepAgainOnceDrained() {
        try (LinuxEventFd bell = LinuxEventFd.open();
             LinuxUdpPort quiet = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxReadySet set = LinuxReadySet.of(List.of(quiet, bell))) {
            assertEquals(0, set.await(0));
            bell.signal();
            assertEquals(0b10, set.await(2000));
            bell.drain();
            assertEquals(0, set.await(0));
        }
    }

    @Test
    void shouldSendABatchOfDatagramsInOrderInFewCalls() {
        assertTrue(LinuxUdpPort.sendmmsgAvailable(), "sendmmsg exists on every kernel this runs on");
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort b = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false, 1 << 20)) {
            final io.sallyport.net.SendBatch batch = a.newSendBatch();
            final byte[] buf = new byte[3000];
            // 100 datagrams: more than one batch holds, and one longer than a batch slot (sent alone, in order).
            for (int i = 0; i < 100; i++) {
                final int len = i == 70 ? 2500 : 10 + i;
                Arrays.fill(buf, 0, len, (byte) i);
                assertTrue(batch.add(buf, 0, len, b.localAddress()));
                Arrays.fill(buf, 0, len, (byte) 0xEE); // the batch copied it: the caller may reuse its buffer
            }
            batch.flush();
            final byte[] in = new byte[4000];
            for (int i = 0; i < 100; i++) {
                assertTrue(b.awaitReadable(2000), "datagram " + i);
                final int n = b.receive(in, 0, in.length);
                assertEquals(i == 70 ? 2500 : 10 + i, n, "datagram " + i);
                assertEquals((byte) i, in[n - 1], "datagram " + i);
                assertEquals(a.localAddress(), b.lastSource());
            }
            assertEquals(100, a.counters().get(PortCounter.PACKETS_SENT));
        }
    }

    @Test
    void shouldQueueAndSendDatagramsWithoutAllocating() {
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort b = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            final io.sallyport.net.SendBatch batch = a.newSendBatch();
            final byte[] buf = new byte[1400];
            final InetSocketAddress to = b.localAddress();
            final com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            // Lengths differ, so each datagram is a message of its own (the most per-message work). Interpreted and
            // C1-compiled calls count too (no escape analysis there): a slice per datagram or message was 8 MB here;
            // what is left is about a hundred bytes per sendmmsg call.
            for (int i = 0; i < 100_000; i++) {
                batch.add(buf, 0, 1 + (i & 63), to);
                if ((i & 63) == 63) {
                    batch.flush(); // b never reads: its buffer fills and the kernel drops the rest, which costs us nothing
                }
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 1_000_000, allocated + " bytes for 100,000 datagrams");
        }
    }

    @Test
    void shouldSendRunsOfEqualDatagramsAsOneGsoSendAndSplitWhatGroJoined() {
        assertTrue(LinuxUdpPort.segmentationOffloadAvailable(), "UDP_SEGMENT exists on the kernels this runs on (4.18+)");
        assertTrue(LinuxUdpPort.receiveOffloadAvailable(), "UDP_GRO exists on the kernels this runs on (5.0+)");
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort b = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false, 4 << 20);
             LinuxUdpPort c = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false, 4 << 20)) {
            final LinuxReceiveBatch toB = (LinuxReceiveBatch) b.newReceiveBatch();
            final io.sallyport.net.SendBatch batch = a.newSendBatch();
            final byte[] buf = new byte[1200];
            // A run of 40 equal datagrams and a shorter last one to b, then 3 to c, then 2 unequal to b.
            final int[] lengths = new int[46];
            for (int i = 0; i < 46; i++) {
                lengths[i] = i < 40 ? 1200 : i == 40 ? 300 : i < 44 ? 1000 : 700 + i;
                Arrays.fill(buf, 0, lengths[i], (byte) i);
                buf[0] = (byte) (i * 3);
                assertTrue(batch.add(buf, 0, lengths[i], i >= 41 && i < 44 ? c.localAddress() : b.localAddress()));
            }
            batch.flush();
            assertEquals(46, a.counters().get(PortCounter.PACKETS_SENT));
            final byte[] in = new byte[65535];
            int seen = 0;
            int messages = 0;
            final int[] toBIndex = java.util.stream.IntStream.range(0, 46).filter(i -> i < 41 || i >= 44).toArray();
            while (seen < toBIndex.length) {
                assertTrue(b.awaitReadable(2000), "datagrams went missing after " + seen);
                final int n = toB.receive();
                messages += toB.lastMessages();
                for (int k = 0; k < n; k++, seen++) {
                    final int want = toBIndex[seen];
                    final int len = toB.copy(k, in, 5, in.length - 5);
                    assertEquals(lengths[want], len, "datagram " + want);
                    assertEquals((byte) (want * 3), in[5], "datagram " + want + " first byte");
                    assertEquals((byte) want, in[5 + len - 1], "datagram " + want + " last byte");
                    assertEquals(a.localAddress(), toB.source(k));
                }
            }
            assertTrue(messages < 10, "the run arrived joined (GRO), not as 43 messages: " + messages);
            final io.sallyport.net.ReceiveBatch toC = c.newReceiveBatch();
            assertTrue(c.awaitReadable(2000));
            int atC = 0;
            while (atC < 3) {
                final int n = toC.receive();
                assertTrue(n > 0 || c.awaitReadable(2000));
                for (int k = 0; k < n; k++, atC++) {
                    assertEquals(1000, toC.copy(k, in, 0, in.length));
                    assertEquals((byte) ((41 + atC) * 3), in[0]);
                }
            }
        }
    }

    @Test
    void shouldReceiveWaitingDatagramsInBatchesInOrderWithTheirSources() {
        assertTrue(LinuxUdpPort.recvmmsgAvailable(), "recvmmsg exists on every kernel this runs on");
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort c = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort b = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false, 1 << 20)) {
            final byte[] out = new byte[40_000];
            for (int i = 0; i < 40; i++) {
                final int len = i == 33 ? 40_000 : 5 + i;
                Arrays.fill(out, 0, len, (byte) i);
                assertTrue((i % 2 == 0 ? a : c).send(out, 0, len, b.localAddress()));
            }
            assertTrue(b.awaitReadable(2000));
            final io.sallyport.net.ReceiveBatch batch = b.newReceiveBatch();
            final byte[] in = new byte[65535];
            int seen = 0;
            while (seen < 40) {
                final int n = batch.receive();
                assertTrue(n > 0 || b.awaitReadable(2000), "datagrams went missing after " + seen);
                assertTrue(n <= 32, "a batch holds 32");
                for (int i = 0; i < n; i++, seen++) {
                    final int len = batch.copy(i, in, 3, in.length - 3);
                    assertEquals(seen == 33 ? 40_000 : 5 + seen, len, "datagram " + seen + " whole");
                    assertEquals((byte) seen, in[3 + len - 1]);
                    assertEquals((seen % 2 == 0 ? a : c).localAddress(), batch.source(i), "source of " + seen);
                }
            }
            assertEquals(0, batch.receive());
            assertEquals(40, b.counters().get(PortCounter.PACKETS_RECEIVED));
        }
    }

    @Test
    void shouldReportWhichPortsAreReady() {
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort b = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxUdpPort c = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false);
             LinuxReadySet set = LinuxReadySet.of(List.of(a, b, c))) {
            assertEquals(0, set.await(0));
            a.send(new byte[1], 0, 1, c.localAddress());
            assertEquals(0b100, set.await(2000));
            a.send(new byte[1], 0, 1, b.localAddress());
            c.receive(new byte[4], 0, 4);
            assertEquals(0b010, set.await(2000));
            assertEquals(3, set.size());
            assertThrows(IllegalArgumentException.class, () -> LinuxReadySet.of(List.of("not a port")));
        }
    }

    @Test
    void shouldRejectBindToAnAddressTheHostLacks() {
        final HostNetworkException e = assertThrows(HostNetworkException.class,
                () -> LinuxUdpPort.bind(new InetSocketAddress(addr("192.0.2.123"), 4500), true));
        assertTrue(e.getMessage().contains("not configured on this host"), e.getMessage());
    }

    private static InetAddress addr(final String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (final java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void shouldExplainBindFailureWithTheAddress() {
        try (LinuxUdpPort a = LinuxUdpPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            final HostNetworkException e = assertThrows(HostNetworkException.class,
                    () -> LinuxUdpPort.bind(a.localAddress(), false));
            assertTrue(e.getMessage().startsWith("bind UDP 127.0.0.1:" + a.localAddress().getPort()), e.getMessage());
            assertTrue(e.getMessage().contains("another socket holds the port"), e.getMessage());
        }
    }
}
