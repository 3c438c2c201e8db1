package io.sallyport.net.virtual;

import java.net.InetSocketAddress;

/**
 * A datagram in flight on a {@link VirtualNetwork}. {@code payload} is the UDP payload, or the
 * ESP packet for {@link Protocol#ESP} (ports 0). The network owns the array: faults may read it
 * but must not change it.
 */
public record VirtualDatagram(Protocol protocol, InetSocketAddress source, InetSocketAddress destination,
                              byte[] payload) {

    /** The outer protocol, which selects the kind of port that receives the datagram. */
    public enum Protocol {
        UDP(28),
        ESP(20);

        private final int outerHeaderBytes;

        Protocol(final int outerHeaderBytes) {
            this.outerHeaderBytes = outerHeaderBytes;
        }

        /** IPv4 (+ UDP) header bytes that count against a link MTU. */
        public int outerHeaderBytes() {
            return outerHeaderBytes;
        }
    }

    /** The size on the wire as an IPv4 packet. */
    public int wireLength() {
        return payload.length + protocol.outerHeaderBytes();
    }
}
