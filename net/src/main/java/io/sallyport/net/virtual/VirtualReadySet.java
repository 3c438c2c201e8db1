package io.sallyport.net.virtual;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.ReadySet;
import io.sallyport.net.TunPort;

import java.util.List;

/**
 * The lab's {@link ReadySet}: reports which virtual ports hold data, without sleeping, because
 * virtual time only moves when the lab advances the {@link VirtualNetwork}.
 */
public final class VirtualReadySet implements ReadySet {

    private final List<?> ports;

    private VirtualReadySet(final List<?> ports) {
        this.ports = ports;
    }

    /** A set over {@code ports}, each a {@link TunPort} or {@link DatagramPort}. */
    public static VirtualReadySet of(final List<?> ports) {
        if (ports.isEmpty() || ports.size() > Long.SIZE) {
            throw new IllegalArgumentException("a ready set holds 1 to 64 ports, not " + ports.size());
        }
        for (final Object p : ports) {
            if (!(p instanceof TunPort) && !(p instanceof DatagramPort)) {
                throw new IllegalArgumentException("not a port: " + p);
            }
        }
        return new VirtualReadySet(List.copyOf(ports));
    }

    @Override
    public long await(final long timeoutMillis) {
        long ready = 0;
        for (int i = 0; i < ports.size(); i++) {
            final boolean readable = switch (ports.get(i)) {
                case TunPort t -> t.awaitReadable(0);
                case DatagramPort d -> d.awaitReadable(0);
                default -> false;
            };
            if (readable) {
                ready |= 1L << i;
            }
        }
        return ready;
    }

    @Override
    public int size() {
        return ports.size();
    }
}
