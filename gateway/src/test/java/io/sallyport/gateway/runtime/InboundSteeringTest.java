package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.EspStat;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.gateway.runtime.RuntimeTestPorts.RecordingTun;
import io.sallyport.ike.Datagram;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PortCounters;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;
import io.sallyport.packet.UdpView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two inbound workers of one steered group (SPI mod 2): each SA is installed on the worker its
 * SPI names; a GRO message arriving at one worker with segments of both workers' SAs (and an
 * unknown SPI, and IKE) is split: its own decrypted at once, the rest handed to their owner,
 * which decrypts them in order, reports the unknown SPI with the right source and passes IKE to
 * kmd; the owner is woken only when it sleeps; a full handoff is counted.
 */
class InboundSteeringTest {
    private static final InetAddress LOCAL = InetAddress.ofLiteral("192.0.2.1");
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.2"), 4500);
    private static final int SPI_EVEN = 0x0000_1000;
    private static final int SPI_ODD = 0x0000_1001;
    private static final int SPI_UNKNOWN_ODD = 0x0000_2003;
    private static final int HEAD = OutboundPath.MAX_HEADROOM;

    /** A worker's socket: the datagrams of a GRO message, split, each with its source. */
    private static final class UdpSocket implements DatagramPort {
        final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
        private final int number;

        UdpSocket(int number) {
            this.number = number;
        }

        @Override public int receive(byte[] buf, int off, int maxLen) {
            byte[] p = waiting.poll();
            if (p == null) {
                return -1;
            }
            System.arraycopy(p, 0, buf, off, p.length);
            return p.length;
        }
        @Override public InetSocketAddress lastSource() { return PEER; }
        @Override public boolean send(byte[] buf, int off, int len, InetSocketAddress destination) { return true; }
        @Override public boolean awaitReadable(long timeoutMillis) { return !waiting.isEmpty(); }
        @Override public PortCounters counters() { return new PortCounters(); }
        @Override public InetSocketAddress localAddress() { return new InetSocketAddress(LOCAL, 4500); }
        @Override public void close() { }
        @Override public String toString() { return "socket " + number; }
    }

    /** Counts wakes; runs {@code duringSleep} when the worker sleeps (another worker's turn meanwhile). */
    private static final class CountingWaiter implements Waiter {
        int wakes;
        Runnable duringSleep = () -> { };

        @Override public void await(long timeoutMillis) { duringSleep.run(); }
        @Override public void ignore(Object port, boolean ignored) { }
        @Override public void wake() { wakes++; }
        @Override public void close() { }
    }

    private record Unknown(InetAddress source, int spi) {
    }

    private static EspSa sa(int spi) {
        byte[] key = new byte[EncryptionAlgorithm.AES_128_GCM.keyMaterialSize()];
        Arrays.fill(key, (byte) spi);
        return EspSa.builder(spi, EncryptionAlgorithm.AES_128_GCM, null, key, null, PEER.getAddress(), LOCAL).build();
    }

    /** IPv4/UDP from 198.18.2.10 to 198.18.1.10 whose payload is {@code payload} bytes of {@code fill}. */
    private static byte[] inner(int payload, int fill) {
        byte[] p = new byte[28 + payload];
        Arrays.fill(p, 28, p.length, (byte) fill);
        Ipv4View.write(p, 0, 0, p.length, fill, 0, 64, IpProtocol.UDP, 0xC6_12_02_0A, 0xC6_12_01_0A);
        UdpView.write(p, 20, 5000, 5001, 8 + payload);
        return p;
    }

    private static final class Sender {
        final OutboundPath path;
        final OutboundBatch batch = new OutboundBatch();

        Sender(int spi) {
            path = new OutboundPath(sa(spi), new EspCounters(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        }

        byte[] esp(byte[] inner) {
            byte[] buf = new byte[HEAD + inner.length + OutboundPath.MAX_TAILROOM];
            System.arraycopy(inner, 0, buf, HEAD, inner.length);
            path.encapsulate(buf, HEAD, inner.length, batch);
            return Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0));
        }
    }

    private static byte[] withSpi(int spi, int length) {
        byte[] d = new byte[length];
        d[0] = (byte) (spi >>> 24);
        d[1] = (byte) (spi >>> 16);
        d[2] = (byte) (spi >>> 8);
        d[3] = (byte) spi;
        d[7] = 1;
        return d;
    }

    @Test
    void shouldHandSegmentsOfAnotherWorkersSpiToItAndDecryptTheOwnAtOnce() {
        UdpSocket socket0 = new UdpSocket(0);
        UdpSocket socket1 = new UdpSocket(1);
        CountingWaiter waiter0 = new CountingWaiter();
        CountingWaiter waiter1 = new CountingWaiter();
        List<Datagram> toKmd = new ArrayList<>();
        List<Unknown> unknown = new ArrayList<>();
        InboundAgent worker0 = new InboundAgent("in-test:4500/0", socket0, null, EspInbound.InputForm.UDP_PAYLOAD,
                waiter0, toKmd::add, (source, spi, now) -> unknown.add(new Unknown(source, spi)));
        InboundAgent worker1 = new InboundAgent("in-test:4500/1", socket1, null, EspInbound.InputForm.UDP_PAYLOAD,
                waiter1, toKmd::add, (source, spi, now) -> unknown.add(new Unknown(source, spi)));
        InboundGroup group = new InboundGroup(List.of(worker0, worker1));
        assertSame(worker0, group.owner(SPI_EVEN));
        assertSame(worker1, group.owner(SPI_ODD));
        assertSame(worker1, group.owner(0xFFFF_FFFF), "unsigned: 4294967295 is odd");

        RecordingTun queue0 = new RecordingTun();
        RecordingTun queue1 = new RecordingTun();
        IpPrefix local = IpPrefix.parse("198.18.1.0/24");
        IpPrefix remote = IpPrefix.parse("198.18.2.0/24");
        group.owner(SPI_EVEN).installSa(sa(SPI_EVEN), new InboundTunnel("even", 1, new TunQueueInlet(queue0), local, remote));
        group.owner(SPI_ODD).installSa(sa(SPI_ODD), new InboundTunnel("odd", 2, new TunQueueInlet(queue1), local, remote));
        worker0.doWork(0);
        worker1.doWork(0);
        waiter1.wakes = 0; // the install command's

        Sender even = new Sender(SPI_EVEN);
        Sender odd = new Sender(SPI_ODD);
        List<byte[]> evenSent = List.of(inner(100, 1), inner(101, 2));
        List<byte[]> oddSent = List.of(inner(200, 3), inner(201, 4), inner(202, 5));
        // One GRO message of the peer's 4-tuple, split: both workers' SAs, an unknown SPI and IKE.
        socket0.waiting.add(even.esp(evenSent.get(0)));
        socket0.waiting.add(odd.esp(oddSent.get(0)));
        socket0.waiting.add(odd.esp(oddSent.get(1)));
        socket0.waiting.add(even.esp(evenSent.get(1)));
        socket0.waiting.add(withSpi(SPI_UNKNOWN_ODD, 64));
        socket0.waiting.add(odd.esp(oddSent.get(2)));
        socket1.waiting.add(new byte[] {0, 0, 0, 0, 0x21, 0x20, 0x22, 0x08});

        worker1.doWork(1);
        assertEquals(List.of(), queue1.written, "nothing handed over yet");
        assertEquals(0, toKmd.size(), "IKE on the second worker goes to the first");
        worker0.doWork(1);
        assertEquals(2, queue0.written.size(), "the first worker's own SA's packets, at once");
        assertEquals(evenSent.get(1).length, queue0.written.get(1).length);
        assertEquals(1, toKmd.size(), "IKE handed to the first worker reaches kmd");
        assertEquals(PEER, toKmd.getFirst().remote());
        assertEquals(0, waiter1.wakes, "the second worker is awake: not woken");

        worker1.doWork(2);
        assertEquals(3, queue1.written.size(), "the handed-over segments, decrypted by their owner");
        for (int i = 0; i < 3; i++) {
            byte[] got = queue1.written.get(i);
            byte[] sent = oddSent.get(i);
            assertArrayEquals(Arrays.copyOfRange(sent, 12, sent.length), Arrays.copyOfRange(got, 12, got.length),
                    "in the order they arrived");
        }
        assertEquals(List.of(new Unknown(PEER.getAddress(), SPI_UNKNOWN_ODD)), unknown,
                "the unknown SPI reported by its owner, with the datagram's source");

        // The owner asleep: the worker that hands it a datagram wakes it, once per burst.
        socket0.waiting.add(odd.esp(inner(50, 6)));
        socket0.waiting.add(odd.esp(inner(51, 7)));
        waiter1.duringSleep = () -> worker0.doWork(3);
        worker1.idle(3);
        assertEquals(1, waiter1.wakes, "woken once for the burst");
        worker1.doWork(4);
        assertEquals(5, queue1.written.size());

        worker0.doWork(5);
        worker1.doWork(5);
        worker0.doWork(6);
        worker1.doWork(6);
        WorkerCounters.Published p0 = worker0.counters().published();
        WorkerCounters.Published p1 = worker1.counters().published();
        assertEquals(6, p0.get(WorkerCounters.Stat.HANDED_TO_SPI_OWNER), "three, the unknown SPI, then two");
        assertEquals(1, p1.get(WorkerCounters.Stat.HANDED_TO_SPI_OWNER), "IKE");
        assertEquals(5, p1.tunnels().get(2L).esp.get(EspStat.DECRYPTED_PACKETS), "counted by the SA's owner");
        assertEquals(2, p0.tunnels().get(1L).esp.get(EspStat.DECRYPTED_PACKETS));
    }

    @Test
    void shouldCountWhatTheOwnersFullHandoffRefuses() {
        UdpSocket socket0 = new UdpSocket(0);
        InboundAgent worker0 = new InboundAgent("in-test:4500/0", socket0, null, EspInbound.InputForm.UDP_PAYLOAD,
                RuntimeTestPorts.NO_SLEEP, d -> { }, (source, spi, now) -> { });
        InboundAgent worker1 = new InboundAgent("in-test:4500/1", new UdpSocket(1), null,
                EspInbound.InputForm.UDP_PAYLOAD, RuntimeTestPorts.NO_SLEEP, d -> { }, (source, spi, now) -> { });
        new InboundGroup(List.of(worker0, worker1));
        int datagrams = 20;
        int length = 60_000;
        for (int i = 0; i < datagrams; i++) {
            socket0.waiting.add(withSpi(SPI_ODD, length));
        }
        worker0.doWork(0);
        worker0.doWork(1);
        WorkerCounters.Published p = worker0.counters().published();
        int fit = SpiHandoff.CAPACITY / (length + 28);
        assertEquals(fit, p.get(WorkerCounters.Stat.HANDED_TO_SPI_OWNER));
        assertEquals(datagrams - fit, p.get(WorkerCounters.Stat.SPI_HANDOFF_FULL));
        assertTrue(fit < datagrams);
    }
}
