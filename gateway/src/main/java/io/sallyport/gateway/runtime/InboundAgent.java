package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.InboundPath;
import io.sallyport.esp.InboundResult;
import io.sallyport.esp.SpiTable;
import io.sallyport.ike.Datagram;
import io.sallyport.net.DatagramPort;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The inbound worker of one receiving port (UDP 4500 on a local gateway address, a
 * udp-encapsulate port, or raw ESP). Owns the port's receiving side and every inbound SA that
 * arrives on it.
 *
 * <pre>
 * 1. Receive a datagram into the worker's buffer.
 * 2. On UDP: the non-ESP marker sends IKE to kmd; keepalives are counted and dropped.
 * 3. SPI lookup, replay check, ICV, decrypt, trailer (esp module); every drop is counted.
 * 4. Inner source and destination must lie in the tunnel's selectors.
 * 5. Write the inner packet into the tunnel's TUN device.
 * </pre>
 */
public final class InboundAgent implements Agent {
    private static final int BURST = 64;

    private final String name;
    private final DatagramPort port;
    private final EspInbound.InputForm form;
    private final Consumer<Datagram> toKmd;
    private final UnknownSpi unknownSpi;
    /** Packets an SA decrypted after its tunnel left this worker (a delete racing the packet). */
    private long orphaned;
    private final EspInbound inbound = new EspInbound(new EspCounters());
    private final SpiTable<InboundTunnel> tunnels = new SpiTable<>();
    private final Queue<Consumer<InboundAgent>> commands = new ConcurrentLinkedQueue<>();
    private final byte[] buf = new byte[65535];
    private final InboundResult result = new InboundResult();

    /** Told of each ESP packet whose SPI this worker does not know, on the worker's thread. */
    @FunctionalInterface
    public interface UnknownSpi {
        void received(java.net.InetAddress source, int spi, long nowNanos);
    }

    /**
     * @param form       {@code UDP_PAYLOAD} for UDP ports (NAT-T marker rules), {@code ESP} for raw ESP
     * @param toKmd      receives IKE messages that arrived on this port (must be thread-safe)
     * @param unknownSpi told of ESP for an unknown SPI (must be thread-safe and cheap)
     */
    public InboundAgent(String name, DatagramPort port, EspInbound.InputForm form, Consumer<Datagram> toKmd,
                        UnknownSpi unknownSpi) {
        this.name = name;
        this.port = port;
        this.form = form;
        this.toKmd = toKmd;
        this.unknownSpi = unknownSpi;
    }

    /** Drops this worker counted before any SA (unknown SPI, bad outer header, short), by reason. */
    public EspCounters counters() {
        return inbound.counters();
    }

    public io.sallyport.net.PortCounters portCounters() {
        return port.counters();
    }

    /** Decrypted packets whose tunnel had already left this worker. Approximate (owner-written). */
    public long orphaned() {
        return orphaned;
    }

    @Override
    public String name() {
        return name;
    }

    /** Installs an inbound SA; its packets go to {@code tunnel.tun}. Runs on this agent's thread. */
    void installSa(EspSa sa, InboundTunnel tunnel) {
        commands.add(a -> {
            a.inbound.install(new InboundPath(sa, tunnel.counters));
            a.tunnels.put(sa.spi(), tunnel);
        });
    }

    void removeSa(int spi) {
        commands.add(a -> {
            a.inbound.remove(spi);
            a.tunnels.remove(spi);
        });
    }

    @Override
    public int doWork(long nowNanos) {
        int work = 0;
        Consumer<InboundAgent> c;
        while ((c = commands.poll()) != null) {
            c.accept(this);
            work++;
        }
        for (int i = 0; i < BURST; i++) {
            int len = port.receive(buf, 0, buf.length);
            if (len < 0) {
                break;
            }
            work++;
            switch (inbound.receive(buf, 0, len, form, result)) {
                case INNER -> deliver(result.path());
                case IKE -> toKmd.accept(new Datagram(port.localAddress(), port.lastSource(),
                        Arrays.copyOfRange(buf, result.innerOffset(), result.innerOffset() + result.innerLength()), true));
                case DROPPED -> {
                    if (result.drop() == io.sallyport.esp.DropReason.INVALID_SPI) {
                        unknownSpi.received(port.lastSource().getAddress(), spiOf(len), nowNanos);
                    }
                }
                case KEEPALIVE -> { }
            }
        }
        return work;
    }

    /** The SPI of the ESP packet in the buffer (after a UDP port's payload start, or raw ESP). */
    private int spiOf(int len) {
        return len >= 4 ? io.sallyport.packet.Bytes.i32(buf, 0) : 0;
    }

    private void deliver(InboundPath path) {
        InboundTunnel t = tunnels.get(path.spi());
        if (t == null) {
            orphaned++;
            return;
        }
        int off = result.innerOffset();
        boolean v4 = (buf[off] & 0xF0) == 0x40;
        if (!t.remote.matches(buf, off + PrefixMatch.sourceOffset(v4), v4)
                || !t.local.matches(buf, off + PrefixMatch.destinationOffset(v4), v4)) {
            t.tallies.selectorFailures++;
            return;
        }
        // A refused write is counted by the TUN port.
        t.tun.write(buf, off, result.innerLength());
    }

    @Override
    public void idle(long maxMillis) {
        if (commands.isEmpty()) {
            port.awaitReadable(maxMillis);
        }
    }
}
