package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.gateway.runtime.RuntimeTestPorts.RecordingTun;
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
 * An inbound worker and a NAT-T SA that follows its peer (RFC 7296 §2.23): authenticated ESP
 * from a new endpoint is reported at most once a second per SA, however many packets; ESP from
 * the peer's endpoint, forged ESP and replayed ESP from the new one, and any ESP of an SA that
 * does not follow (we are behind the NAT) are never reported; after the control agent moves the
 * SA ({@link InboundAgent#peerAt}) the new endpoint is the peer's.
 */
class PeerFollowTest {
    private static final InetAddress LOCAL = InetAddress.ofLiteral("192.0.2.1");
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.2"), 4500);
    private static final InetSocketAddress REBOUND = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.2"), 61044);
    private static final int FOLLOWING = 0x0000_1000;
    private static final int BEHIND_NAT = 0x0000_1002;
    private static final int HEAD = OutboundPath.MAX_HEADROOM;
    private static final long SECOND = 1_000_000_000L;

    /** Datagrams, each with its own source. */
    static final class Socket implements DatagramPort {
        private record Waiting(byte[] payload, InetSocketAddress source) {
        }

        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        private InetSocketAddress last;

        void add(byte[] payload, InetSocketAddress source) {
            waiting.add(new Waiting(payload, source));
        }

        @Override public int receive(byte[] buf, int off, int maxLen) {
            Waiting w = waiting.poll();
            if (w == null) {
                return -1;
            }
            System.arraycopy(w.payload(), 0, buf, off, w.payload().length);
            last = w.source();
            return w.payload().length;
        }
        @Override public InetSocketAddress lastSource() { return last; }
        @Override public boolean send(byte[] buf, int off, int len, InetSocketAddress destination) { return true; }
        @Override public boolean awaitReadable(long timeoutMillis) { return !waiting.isEmpty(); }
        @Override public PortCounters counters() { return new PortCounters(); }
        @Override public InetSocketAddress localAddress() { return new InetSocketAddress(LOCAL, 4500); }
        @Override public void close() { }
    }

    private record Report(String tunnel, int spi, InetSocketAddress source, long nanos) {
    }

    static EspSa sa(int spi) {
        byte[] key = new byte[EncryptionAlgorithm.AES_128_GCM.keyMaterialSize()];
        Arrays.fill(key, (byte) spi);
        return EspSa.builder(spi, EncryptionAlgorithm.AES_128_GCM, null, key, null, PEER.getAddress(), LOCAL)
            .udp(new UdpEncapsulation.NatTraversal(4500, PEER.getPort())).build();
    }

    static final class Sender {
        final OutboundPath path;
        final OutboundBatch batch = new OutboundBatch();

        Sender(int spi) {
            path = new OutboundPath(sa(spi), new EspCounters(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        }

        byte[] esp() {
            byte[] inner = new byte[28 + 20];
            Ipv4View.write(inner, 0, 0, inner.length, 1, 0, 64, IpProtocol.UDP, 0xC6_12_02_0A, 0xC6_12_01_0A);
            UdpView.write(inner, 20, 5000, 5001, 28);
            byte[] buf = new byte[HEAD + inner.length + OutboundPath.MAX_TAILROOM];
            System.arraycopy(inner, 0, buf, HEAD, inner.length);
            path.encapsulate(buf, HEAD, inner.length, batch);
            return Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0));
        }
    }

    private final Socket socket = new Socket();
    private final List<Report> reports = new ArrayList<>();
    private final InboundAgent worker = new InboundAgent("in-test:4500", socket, null, EspInbound.InputForm.UDP_PAYLOAD,
        RuntimeTestPorts.NO_SLEEP, d -> { }, (source, spi, now) -> { },
        (tunnel, spi, source, now) -> reports.add(new Report(tunnel, spi, source, now)));
    private final RecordingTun tun = new RecordingTun();

    private void install(int spi, String tunnel, InetSocketAddress follow) {
        InboundTunnel t = new InboundTunnel(tunnel, spi, new TunQueueInlet(tun),
            IpPrefix.parse("198.18.1.0/24"), IpPrefix.parse("198.18.2.0/24"));
        t.peer = follow;
        worker.installSa(sa(spi), t);
        worker.doWork(0);
    }

    @Test
    void authenticatedEspFromANewEndpointIsReportedOnceASecondPerSa() {
        install(FOLLOWING, "t1", PEER);
        Sender peer = new Sender(FOLLOWING);
        socket.add(peer.esp(), PEER);
        worker.doWork(SECOND);
        assertEquals(List.of(), reports, "from the peer's endpoint: nothing to report");

        for (int i = 0; i < 50; i++) {
            socket.add(peer.esp(), REBOUND);
        }
        worker.doWork(2 * SECOND);
        assertEquals(List.of(new Report("t1", FOLLOWING, REBOUND, 2 * SECOND)), reports, "a burst: one report");
        assertEquals(51, tun.written.size(), "every packet delivered meanwhile");

        socket.add(peer.esp(), REBOUND);
        worker.doWork(2 * SECOND + SECOND / 2);
        assertEquals(1, reports.size(), "within the second: no second report");
        socket.add(peer.esp(), REBOUND);
        worker.doWork(3 * SECOND);
        assertEquals(2, reports.size(), "a second later, still from there: reported again");

        // The control agent moved the SA: the new endpoint is the peer's.
        worker.peerAt(FOLLOWING, REBOUND);
        socket.add(peer.esp(), REBOUND);
        worker.doWork(5 * SECOND);
        assertEquals(2, reports.size(), "moved: nothing more to report");
    }

    @Test
    void onlyAuthenticatedEspOfAFollowingSaIsReported() {
        install(FOLLOWING, "t1", PEER);
        install(BEHIND_NAT, "t2", null); // NAT-T because we are behind a NAT: kmd installs it without following
        Sender peer = new Sender(FOLLOWING);
        byte[] good = peer.esp();
        socket.add(good, PEER);
        byte[] forged = peer.esp();
        forged[forged.length - 1] ^= 1;
        socket.add(forged, REBOUND);
        socket.add(good, REBOUND);
        Sender behind = new Sender(BEHIND_NAT);
        for (int i = 0; i < 5; i++) {
            socket.add(behind.esp(), REBOUND);
        }
        worker.doWork(SECOND);
        assertEquals(List.of(), reports, "a forged ICV, a replayed packet and an SA that does not follow: never reported");
        assertEquals(6, tun.written.size(), "the good packet once and the other SA's five");
    }
}
