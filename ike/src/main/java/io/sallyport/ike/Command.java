package io.sallyport.ike;

/** Operator and data-plane requests to kmd. */
public sealed interface Command {

    /** Add or replace a peer; with {@code establishImmediately} it initiates at once. */
    record AddPeer(PeerConfig peer) implements Command {
    }

    /** Remove a peer and delete its SAs. */
    record RemovePeer(String peer) implements Command {
    }

    /** Start IKE_SA_INIT + IKE_AUTH for a peer (does nothing when an SA is up or coming up). */
    record Initiate(String peer) implements Command {
    }

    /** Traffic needs a tunnel that is not there ({@code establish-tunnels on-traffic}). */
    record Acquire(String peer) implements Command {
    }

    /** Delete the peer's IKE SA (and with it all child SAs), telling the peer. */
    record DeleteIkeSa(String peer) implements Command {
    }

    /** Delete one child SA by its inbound SPI, telling the peer. */
    record DeleteChildSa(int spiIn) implements Command {
    }

    /** Rekey one child SA now, e.g. because the ESP sequence number is about to roll over. */
    record RekeyChildSa(int spiIn) implements Command {
    }

    /**
     * The data plane received ESP with an SPI it does not know from {@code from}: tell that peer
     * with an INVALID_SPI notify over the IKE SA if one exists (RFC 7296 §1.5), or with a protected
     * INVALID-SPI informational over its ISAKMP SA (RFC 2408 §3.14.1).
     */
    record ReportInvalidSpi(java.net.InetAddress from, int spi) implements Command {
    }

    /**
     * The bytes a child SA pair carried since its install, each SA's own as the data plane counts
     * them per SA: kmd rekeys it before its kilobyte lifetime and deletes it at the end of that
     * lifetime.
     */
    record ChildTraffic(int spiIn, long inboundBytes, long outboundBytes) implements Command {
    }

    /**
     * The data plane authenticated ESP of the child SA with inbound SPI {@code spiIn} (its ICV and
     * replay check passed) from {@code remote}, another address or port than the IKE SA's peer:
     * its NAT mapping changed. When the peer is behind a NAT and we are not (RFC 7296 §2.23: a host
     * behind a NAT should not update), the IKE SA moves there and each of its children follows
     * ({@link Action.ChildSaMoved}); otherwise nothing happens. IKEv1 alike: the ISAKMP SA and
     * its IPsec SAs move (RFC 3947 §4).
     */
    record FollowPeer(int spiIn, java.net.InetSocketAddress remote) implements Command {
    }

    /** Rekey the peer's IKE SA now. */
    record RekeyIkeSa(String peer) implements Command {
    }
}
