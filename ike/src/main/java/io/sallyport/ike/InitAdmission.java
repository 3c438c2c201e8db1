package io.sallyport.ike;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which new IKE_SA_INIT requests kmd looks at, before it decodes them: a token bucket per source
 * address (the table holds at most {@link KmdOptions.Limits#sourceTableSize()} sources and forgets
 * the least recently seen) and one for all sources together, so a flood from one address or
 * many costs a bounded number of requests a second. It also remembers how many requests were
 * refused lately (invalid KE, no proposal, ...): those count like half-open SAs towards the
 * COOKIE demand, because a refused request creates no SA that would reach the threshold.
 */
final class InitAdmission {

    private static final long WINDOW = 1_000_000_000L;

    private final KmdOptions.Limits limits;
    private final Map<InetAddress, TokenBucket> perSource;
    private TokenBucket global;
    private long windowStart = Long.MIN_VALUE;
    private int refusedNow;
    private int refusedBefore;

    InitAdmission(KmdOptions.Limits limits) {
        this.limits = limits;
        this.perSource = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
                return size() > limits.sourceTableSize();
            }
        };
    }

    /** Whether to process an IKE_SA_INIT request from {@code source} now. */
    boolean admit(InetAddress source, long now) {
        if (global == null) {
            global = new TokenBucket(limits.initRateGlobal(), limits.initBurstGlobal(), now);
        }
        TokenBucket b = perSource.computeIfAbsent(source,
                s -> new TokenBucket(limits.initRatePerSource(), limits.initBurstPerSource(), now));
        return b.take(now) && global.take(now);
    }

    /** An IKE_SA_INIT request was refused without creating an SA. */
    void refused(long now) {
        roll(now);
        refusedNow++;
    }

    /** Requests refused in the current and the previous second. */
    int recentlyRefused(long now) {
        roll(now);
        return refusedNow + refusedBefore;
    }

    int trackedSources() { return perSource.size(); }

    private void roll(long now) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
        }
        while (now - windowStart >= WINDOW) {
            refusedBefore = now - windowStart >= 2 * WINDOW ? 0 : refusedNow;
            refusedNow = 0;
            windowStart = now - windowStart >= 2 * WINDOW ? now : windowStart + WINDOW;
        }
    }
}
