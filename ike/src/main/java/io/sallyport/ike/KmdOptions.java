package io.sallyport.ike;

/**
 * Engine-wide settings.
 *
 * @param retransmitBaseNanos first retransmission timeout; it doubles on each retry
 * @param retransmitTries     retransmissions before the peer counts as not responding
 * @param halfOpenTimeoutNanos responder IKE SAs not authenticated by then are dropped
 * @param cookieThreshold     half-open SAs plus recently refused IKE_SA_INIT requests at which
 *                            IKE_SA_INIT requires a COOKIE (RFC 7296 §2.6)
 * @param keepaliveNanos      NAT keepalive interval when we are behind a NAT
 * @param lifetimeJitter      fraction of a lifetime by which soft expiry is randomly advanced
 * @param maxDatagram         IKE messages larger than this are fragmented (RFC 7383) when the peer supports it
 * @param reconnectNanos      delay before a peer with {@code establishImmediately} is initiated again after its SA went away
 * @param limits              bounds on what unauthenticated (and authenticated) peers can make kmd hold or do
 * @param rekeyedInboundLingerNanos how long the inbound SA of a child a rekey replaced stays in the data
 *                            plane after its delete exchange, for the packets the peer sent on it before
 *                            it switched that arrive after the exchange (strongSwan's
 *                            {@code delete_rekeyed_delay}, 5 s, is the default)
 * @param childLifetimeCapSeconds a lab and test hook, 0 (off) in production: child SAs (IKEv2, and IKEv1 IPsec SAs) live at most
 *                            this long, below the 180 s a Junos commit allows, so that a test sees
 *                            kmd's own rekeys within seconds
 * @param ikeLifetimeCapSeconds a lab and test hook, 0 (off) in production: IKE SAs (IKEv2) and ISAKMP SAs
 *                            (IKEv1) live at most this long, below the 180 s a Junos commit allows, so
 *                            that a test sees them expire or rekey within seconds
 */
public record KmdOptions(long retransmitBaseNanos, int retransmitTries, long halfOpenTimeoutNanos, int cookieThreshold,
                         long keepaliveNanos, double lifetimeJitter, int maxDatagram, long reconnectNanos, Limits limits,
                         long rekeyedInboundLingerNanos, long childLifetimeCapSeconds, long ikeLifetimeCapSeconds) {

    private static final long REKEYED_INBOUND_LINGER_NANOS = 5_000_000_000L;

    public static KmdOptions defaults() {
        return new KmdOptions(500_000_000L, 5, 30_000_000_000L, 50, 20_000_000_000L, 0.1, 1280, 2_000_000_000L);
    }

    /** Settings with the default {@link Limits} and linger. */
    public KmdOptions(long retransmitBaseNanos, int retransmitTries, long halfOpenTimeoutNanos, int cookieThreshold,
                      long keepaliveNanos, double lifetimeJitter, int maxDatagram, long reconnectNanos) {
        this(retransmitBaseNanos, retransmitTries, halfOpenTimeoutNanos, cookieThreshold, keepaliveNanos, lifetimeJitter,
                maxDatagram, reconnectNanos, Limits.defaults(), REKEYED_INBOUND_LINGER_NANOS, 0, 0);
    }

    public KmdOptions withLimits(Limits l) {
        return new KmdOptions(retransmitBaseNanos, retransmitTries, halfOpenTimeoutNanos, cookieThreshold, keepaliveNanos,
                lifetimeJitter, maxDatagram, reconnectNanos, l, rekeyedInboundLingerNanos, childLifetimeCapSeconds, ikeLifetimeCapSeconds);
    }

    public KmdOptions withCookieThreshold(int threshold) {
        return new KmdOptions(retransmitBaseNanos, retransmitTries, halfOpenTimeoutNanos, threshold, keepaliveNanos,
                lifetimeJitter, maxDatagram, reconnectNanos, limits, rekeyedInboundLingerNanos, childLifetimeCapSeconds, ikeLifetimeCapSeconds);
    }

    public KmdOptions withRekeyedInboundLinger(long nanos) {
        return new KmdOptions(retransmitBaseNanos, retransmitTries, halfOpenTimeoutNanos, cookieThreshold, keepaliveNanos,
                lifetimeJitter, maxDatagram, reconnectNanos, limits, nanos, childLifetimeCapSeconds, ikeLifetimeCapSeconds);
    }

    /** Settings with {@code tries} retransmissions of a request before the peer counts as not responding. */
    public KmdOptions withRetransmitTries(int tries) {
        return new KmdOptions(retransmitBaseNanos, tries, halfOpenTimeoutNanos, cookieThreshold, keepaliveNanos,
                lifetimeJitter, maxDatagram, reconnectNanos, limits, rekeyedInboundLingerNanos, childLifetimeCapSeconds,
                ikeLifetimeCapSeconds);
    }

    /** The lab and test hook {@code childLifetimeCapSeconds}: 0 turns it off. */
    public KmdOptions withChildLifetimeCap(long seconds) {
        return new KmdOptions(retransmitBaseNanos, retransmitTries, halfOpenTimeoutNanos, cookieThreshold, keepaliveNanos,
                lifetimeJitter, maxDatagram, reconnectNanos, limits, rekeyedInboundLingerNanos, seconds, ikeLifetimeCapSeconds);
    }

    /** A child proposal's lifetime under the {@code childLifetimeCapSeconds} hook. */
    public long childLifetimeSeconds(long proposed) {
        return childLifetimeCapSeconds > 0 ? Math.min(proposed, childLifetimeCapSeconds) : proposed;
    }

    /** The lab and test hook {@code ikeLifetimeCapSeconds}: 0 turns it off. */
    public KmdOptions withIkeLifetimeCap(long seconds) {
        return new KmdOptions(retransmitBaseNanos, retransmitTries, halfOpenTimeoutNanos, cookieThreshold, keepaliveNanos,
                lifetimeJitter, maxDatagram, reconnectNanos, limits, rekeyedInboundLingerNanos, childLifetimeCapSeconds, seconds);
    }

    /** An IKE (IKEv2) or ISAKMP (IKEv1) SA's negotiated lifetime under the {@code ikeLifetimeCapSeconds} hook. */
    public long ikeLifetimeSeconds(long negotiated) {
        return ikeLifetimeCapSeconds > 0 ? Math.min(negotiated, ikeLifetimeCapSeconds) : negotiated;
    }

    /**
     * The soft (rekey) lifetime for a hard one: advanced by a random {@code lifetimeJitter} to twice
     * that fraction (10-20 % with the default), so that the two ends do not rekey at once. The one
     * formula for IKE and child SAs of both IKE versions.
     */
    public long softLifetime(long hardNanos, java.util.random.RandomGenerator random) {
        return (long) (hardNanos * (1 - lifetimeJitter * (1 + random.nextDouble())));
    }

    /**
     * Bounds on work and state that input from the network can cause. Rates are per second of the
     * injected clock.
     *
     * @param initRatePerSource      IKE_SA_INIT requests per second accepted from one source address
     * @param initBurstPerSource     ... and the burst allowed above that rate
     * @param initRateGlobal         IKE_SA_INIT requests per second accepted from all sources together
     * @param initBurstGlobal        ... and the burst allowed above that rate
     * @param sourceTableSize        source addresses whose rate is tracked (least recently seen forgotten first)
     * @param maxHalfOpen            responder IKE SAs not yet authenticated, in total
     * @param maxHalfOpenPerSource   ... and from one source address
     * @param maxInitRequestBytes    larger IKE_SA_INIT requests are dropped (they are kept until AUTH)
     * @param maxReassemblyPerSa     bytes of IKE fragments (RFC 7383) held for one message
     * @param maxReassemblyTotal     bytes of IKE fragments held by the whole engine
     * @param maxChildSasPerIkeSa    child SAs a peer may create over one IKE SA (rekeys do not count)
     * @param ephemeralReuseNanos    how long one responder DH key pair per group serves new IKE_SA_INITs
     * @param cookieSecretNanos      how long one COOKIE secret is used (the previous one is still accepted)
     * @param rekeyRetryBaseNanos    first wait before retrying a refused rekey; it doubles per refusal
     * @param rekeyRetryMaxNanos     longest wait between retries of a refused rekey
     */
    public record Limits(int initRatePerSource, int initBurstPerSource, int initRateGlobal, int initBurstGlobal,
                         int sourceTableSize, int maxHalfOpen, int maxHalfOpenPerSource, int maxInitRequestBytes,
                         int maxReassemblyPerSa, long maxReassemblyTotal, int maxChildSasPerIkeSa,
                         long ephemeralReuseNanos, long cookieSecretNanos, long rekeyRetryBaseNanos, long rekeyRetryMaxNanos) {

        public static Limits defaults() {
            return new Limits(10, 40, 500, 1000, 4096, 2000, 100, 10_000,
                    65_536, 16L << 20, 32, 30_000_000_000L, 300_000_000_000L, 10_000_000_000L, 600_000_000_000L);
        }
    }
}
