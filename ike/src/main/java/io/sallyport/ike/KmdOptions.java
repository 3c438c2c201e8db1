package io.sallyport.ike;

/**
 * Engine-wide settings.
 *
 * @param retransmitBaseNanos first retransmission timeout; it doubles on each retry
 * @param retransmitTries     retransmissions before the peer counts as not responding
 * @param halfOpenTimeoutNanos responder IKE SAs not authenticated by then are dropped
 * @param cookieThreshold     half-open SAs above which IKE_SA_INIT requires a COOKIE (RFC 7296 §2.6)
 * @param keepaliveNanos      NAT keepalive interval when we are behind a NAT
 * @param lifetimeJitter      fraction of a lifetime by which soft expiry is randomly advanced
 * @param maxDatagram         IKE messages larger than this are fragmented (RFC 7383) when the peer supports it
 * @param reconnectNanos      delay before a peer with {@code establishImmediately} is initiated again after its SA went away
 */
public record KmdOptions(long retransmitBaseNanos, int retransmitTries, long halfOpenTimeoutNanos, int cookieThreshold,
                         long keepaliveNanos, double lifetimeJitter, int maxDatagram, long reconnectNanos) {

    public static KmdOptions defaults() {
        return new KmdOptions(500_000_000L, 5, 30_000_000_000L, 50, 20_000_000_000L, 0.1, 1280, 2_000_000_000L);
    }
}
