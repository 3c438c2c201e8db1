package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
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
import io.sallyport.gateway.runtime.RuntimeTestPorts.RecordingTun;
import org.junit.jupiter.api.Test;

/**
 * An inbound worker writing what it decrypts into its own queue of the tunnel's device
 * ({@link TunQueueInlet}): every packet of a burst written, one flush at the burst's end, and
 * after the queue was released (its device went away before the SA did) nothing written, every
 * packet counted.
 */
class InboundQueueInletTest {
    private static final InetAddress LOCAL = InetAddress.ofLiteral("192.0.2.1");
    private static final InetAddress REMOTE = InetAddress.ofLiteral("192.0.2.2");
    private static final int SPI = 0x2001;
    private static final int HEAD = OutboundPath.MAX_HEADROOM;

    /** Raw ESP arriving on the worker's socket: bare ESP packets, one per receive. */
    private static final class EspSocket implements DatagramPort {
        final ArrayDeque<byte[]> waiting = new ArrayDeque<>();

        @Override public int receive(byte[] buf, int off, int maxLen) {
            byte[] p = waiting.poll();
            if (p == null) {
                return -1;
            }
            System.arraycopy(p, 0, buf, off, p.length);
            return p.length;
        }
        @Override public InetSocketAddress lastSource() { return new InetSocketAddress(REMOTE, 0); }
        @Override public boolean send(byte[] buf, int off, int len, InetSocketAddress destination) { return true; }
        @Override public boolean awaitReadable(long timeoutMillis) { return !waiting.isEmpty(); }
        @Override public PortCounters counters() { return new PortCounters(); }
        @Override public InetSocketAddress localAddress() { return new InetSocketAddress(LOCAL, 0); }
        @Override public void close() { }
    }

    private static EspSa sa() {
        byte[] key = new byte[EncryptionAlgorithm.AES_128_GCM.keyMaterialSize()];
        Arrays.fill(key, (byte) 7);
        return EspSa.builder(SPI, EncryptionAlgorithm.AES_128_GCM, null, key, null, REMOTE, LOCAL).build();
    }

    /** IPv4/UDP from 198.18.2.10 to 198.18.1.10 with {@code payload} bytes of {@code fill}. */
    private static byte[] inner(int payload, int fill) {
        byte[] p = new byte[28 + payload];
        Arrays.fill(p, 28, p.length, (byte) fill);
        Ipv4View.write(p, 0, 0, p.length, fill, 0, 64, IpProtocol.UDP, 0xC6_12_02_0A, 0xC6_12_01_0A);
        UdpView.write(p, 20, 5000, 5001, 8 + payload);
        return p;
    }

    @Test
    void shouldWriteEachDecryptedPacketIntoItsQueueAndFlushOncePerBurstUntilReleased() {
        EspSocket socket = new EspSocket();
        InboundAgent worker = new InboundAgent("in-test:esp", socket, null, EspInbound.InputForm.ESP, RuntimeTestPorts.NO_SLEEP,
                d -> { }, (source, spi, now) -> { });
        RecordingTun queue = new RecordingTun();
        TunQueueInlet inlet = new TunQueueInlet(queue);
        worker.installSa(sa(), new InboundTunnel("t1", 1, inlet, IpPrefix.parse("198.18.1.0/24"),
                IpPrefix.parse("198.18.2.0/24")));
        OutboundPath sender = new OutboundPath(sa(), new EspCounters(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        OutboundBatch batch = new OutboundBatch();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            byte[] p = inner(100 * i, i);
            sent.add(p);
            byte[] buf = new byte[HEAD + p.length + OutboundPath.MAX_TAILROOM];
            System.arraycopy(p, 0, buf, HEAD, p.length);
            sender.encapsulate(buf, HEAD, p.length, batch);
            assertEquals(1, batch.count());
            socket.waiting.add(Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0)));
        }

        worker.doWork(0);

        assertEquals(6, queue.events.size(), "five packets, then one flush");
        for (int i = 0; i < 5; i++) {
            byte[] got = (byte[]) queue.events.get(i);
            byte[] p = sent.get(i);
            assertEquals(p.length, got.length);
            assertEquals(63, got[8], "the tunnel is a hop: TTL 64 - 1");
            assertArrayEquals(Arrays.copyOfRange(p, 12, p.length), Arrays.copyOfRange(got, 12, got.length));
        }
        assertEquals("flush", queue.events.get(5));

        worker.releaseQueue(inlet);
        byte[] late = inner(64, 9);
        byte[] buf = new byte[HEAD + late.length + OutboundPath.MAX_TAILROOM];
        System.arraycopy(late, 0, buf, HEAD, late.length);
        sender.encapsulate(buf, HEAD, late.length, batch);
        socket.waiting.add(Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0)));
        worker.doWork(1);
        worker.doWork(2); // idle: the counters are published

        assertTrue(queue.closed, "the worker closed its queue");
        assertEquals(6, queue.events.size(), "nothing written or flushed after the release");
        WorkerCounters.Tunnel t = worker.counters().published().tunnels().get(1L);
        assertEquals(1, t.stats[WorkerCounters.TunnelStat.HANDOFF_FULL.ordinal()], "the late packet is counted");
    }
}
