package io.sallyport.remote;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing per source address: every failed attempt delays its answer (1 s,
 * doubling up to 8 s), and a source that failed {@value #MAX_FAILURES} times within
 * {@link #WINDOW} is refused outright until the window has passed. The table is bounded, so a
 * flood of sources cannot grow it without limit; the oldest entries make way.
 */
public final class LoginThrottle {
    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofMinutes(5);
    static final int MAX_SOURCES = 4096;
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(8);

    private final LongSupplier nanoClock;
    private final Map<String, Failures> sources = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    private record Failures(int count, long firstNanos) { }

    public LoginThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Whether {@code source} has used up its attempts for now. */
    public synchronized boolean blocked(String source) {
        Failures f = current(source);
        return f != null && f.count() >= MAX_FAILURES;
    }

    /** Records a failed attempt; returns how long to wait before answering it. */
    public synchronized Duration failed(String source) {
        Failures f = current(source);
        Failures next = f == null ? new Failures(1, nanoClock.getAsLong()) : new Failures(f.count() + 1, f.firstNanos());
        sources.put(source, next);
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(next.count() - 1, 3));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** A successful login forgets the source's failures. */
    public synchronized void succeeded(String source) {
        sources.remove(source);
    }

    private Failures current(String source) {
        Failures f = sources.get(source);
        if (f != null && nanoClock.getAsLong() - f.firstNanos() > WINDOW.toNanos()) {
            sources.remove(source);
            return null;
        }
        return f;
    }
}
