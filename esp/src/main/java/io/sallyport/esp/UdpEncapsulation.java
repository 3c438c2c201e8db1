package io.sallyport.esp;

/** How ESP travels: bare (IP protocol 50) or inside UDP. */
public sealed interface UdpEncapsulation {

    /** Plain ESP, IP protocol 50. */
    record None() implements UdpEncapsulation {}

    /** NAT traversal (RFC 3948): fixed ports, normally 4500 on both sides after NAT detection. */
    record NatTraversal(int sourcePort, int destinationPort) implements UdpEncapsulation {
        public NatTraversal {
            checkPort(sourcePort);
            checkPort(destinationPort);
        }
    }

    /**
     * {@code udp-encapsulate dest-port <port>} (default 4565): the source port is drawn from a hash
     * of the inner flow so ECMP and receive-side scaling spread one tunnel over paths and cores.
     */
    record Multipath(int destinationPort) implements UdpEncapsulation {
        public static final int DEFAULT_PORT = 4565;

        public Multipath {
            if (destinationPort < 1025 || destinationPort > 65535 || destinationPort == 4500) {
                throw new IllegalArgumentException("udp-encapsulate dest-port must be 1025..65535 and not 4500");
            }
        }
    }

    UdpEncapsulation NONE = new None();

    static NatTraversal natT() {
        return new NatTraversal(4500, 4500);
    }

    private static void checkPort(final int p) {
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port out of range: " + p);
        }
    }
}
