package io.sallyport.ike;

/** A token bucket on the injected clock: {@code rate} tokens a second, at most {@code burst} saved up. */
final class TokenBucket {

    private static final long SECOND = 1_000_000_000L;

    private final int rate;
    private final int burst;
    private double tokens;
    private long last;

    TokenBucket(int rate, int burst, long now) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token if there is one. */
    boolean take(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (double) (now - last) * rate / SECOND);
            last = now;
        }
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
