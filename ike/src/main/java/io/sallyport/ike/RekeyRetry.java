package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;

/**
 * What one SA (IKE or child) remembers of its refused rekeys (issue 15, finding 9): how many in a
 * row, for a bounded doubling back-off, and the D-H group the peer asked for with
 * INVALID_KE_PAYLOAD when it is one of ours, switched to at once only once (a peer naming another
 * group each time gets the back-off, not a loop).
 */
final class RekeyRetry {

    private int refusals;
    private DhGroup askedFor;
    private boolean switched;

    /** The group the next rekey offers: the one the peer asked for, else the configured one. */
    DhGroup group(DhGroup configured) { return askedFor != null ? askedFor : configured; }

    /**
     * The peer's INVALID_KE_PAYLOAD named {@code wanted}, a group of ours: whether to retry with it
     * at once (RFC 7296 §1.3). A group it already asked for is no news and not retried.
     */
    boolean retryAtOnceWith(DhGroup wanted) {
        if (wanted == askedFor) {
            return false;
        }
        askedFor = wanted;
        if (switched) {
            return false;
        }
        switched = true;
        return true;
    }

    /** A refused rekey: the wait before the next try, doubling from the base up to the maximum. */
    long refused(KmdOptions.Limits l) {
        refusals++;
        long base = l.rekeyRetryBaseNanos();
        // Never shifted into the sign bit, however many refusals.
        int shift = Math.min(refusals - 1, Long.numberOfLeadingZeros(base) - 1);
        return Math.min(l.rekeyRetryMaxNanos(), base << shift);
    }
}
