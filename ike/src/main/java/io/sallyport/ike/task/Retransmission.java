package io.sallyport.ike.task;

/**
 * Retransmission with doubling backoff: the first timeout is {@code baseNanos}, each retry
 * doubles it, and after {@code tries} retransmissions the peer counts as not responding.
 */
public record Retransmission(long baseNanos, int tries) {

    /** The deadline after the {@code retry}-th transmission (0 for the first send). */
    public long deadline(long now, int retry) {
        return now + (baseNanos << Math.min(retry, 20));
    }

    public boolean exhausted(int retries) { return retries >= tries; }
}
