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
    private final EspInbound inbound = new EspInbound(new EspCounters());
    private final SpiTable<InboundTunnel> tunnels = new SpiTable<>();
    private final Queue<Consumer<InboundAgent>> commands = new ConcurrentLinkedQueue<>();
    private final byte[] buf = new byte[65535];
    private final InboundResult result = new InboundResult();

    /**
     * @param form  {@code UDP_PAYLOAD} for UDP ports (NAT-T marker rules), {@code ESP} for raw ESP
     * @param toKmd receives IKE messages that arrived on this port (must be thread-safe)
     */
    public InboundAgent(String name, DatagramPort port, EspInbound.InputForm form, Consumer<Datagram> toKmd) {
        this.name = name;
        this.port = port;
        this.form = form;
        this.toKmd = toKmd;
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
                case KEEPALIVE, DROPPED -> { }
            }
        }
        return work;
    }

    private void deliver(InboundPath path) {
        InboundTunnel t = tunnels.get(path.spi());
        if (t == null) {
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
