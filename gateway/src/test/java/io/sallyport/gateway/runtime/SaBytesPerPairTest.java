package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspStat;
import io.sallyport.gateway.runtime.RuntimeTestPorts.RecordingTun;
import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The bytes kmd's kilobyte lifetime counts (IKEv1, RFC 2407 §4.5) are each SA's own: while a
 * rekey's old and new SA of one tunnel both take packets on an inbound worker, each SA's count
 * ({@link InboundTunnel#bytes}, what the gateway answers a {@code TrafficQuery} with) has only its
 * own packets, where the tunnel's counters have both.
 */
class SaBytesPerPairTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.2"), 4500);
    private static final int OLD = 0x0000_2000;
    private static final int NEW = 0x0000_2002;
    private static final long TUNNEL_KEY = 7;

    private final PeerFollowTest.Socket socket = new PeerFollowTest.Socket();
    private final InboundAgent worker = new InboundAgent("in-test:4500", socket, null, EspInbound.InputForm.UDP_PAYLOAD,
        RuntimeTestPorts.NO_SLEEP, d -> { }, (source, spi, now) -> { }, (tunnel, spi, source, now) -> { });
    private final RecordingTun tun = new RecordingTun();

    private InboundTunnel install(int spi) {
        InboundTunnel t = new InboundTunnel("t1", TUNNEL_KEY, new TunQueueInlet(tun),
            IpPrefix.parse("198.18.1.0/24"), IpPrefix.parse("198.18.2.0/24"));
        worker.installSa(PeerFollowTest.sa(spi), t);
        worker.doWork(0);
        return t;
    }

    @Test
    void eachPairOfARekeyCountsOnlyItsOwnBytes() {
        InboundTunnel old = install(OLD);
        InboundTunnel replacement = install(NEW);
        PeerFollowTest.Sender onOld = new PeerFollowTest.Sender(OLD);
        PeerFollowTest.Sender onNew = new PeerFollowTest.Sender(NEW);
        for (int i = 0; i < 3; i++) {
            socket.add(onOld.esp(), PEER);
        }
        for (int i = 0; i < 5; i++) {
            socket.add(onNew.esp(), PEER);
        }
        worker.doWork(1);
        int inner = 48; // each Sender packet: IPv4 and UDP headers and 20 bytes
        assertEquals(8, tun.written.size());
        assertEquals(3 * inner, old.bytes.get(), "the old SA: its own three packets");
        assertEquals(5 * inner, replacement.bytes.get(), "the new SA: its own five");
        assertEquals(8 * inner, old.counters.esp.get(EspStat.DECRYPTED_BYTES), "the tunnel's counters: both");
    }
}
