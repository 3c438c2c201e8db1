package io.sallyport.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Password guessing: growing delays, a per-source limit, forgiveness after the window or a login. */
class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    @Test
    void delaysGrowAndTheSourceIsBlockedAtTheLimit() {
        assertEquals(Duration.ofSeconds(1), throttle.failed("192.0.2.1"));
        assertEquals(Duration.ofSeconds(2), throttle.failed("192.0.2.1"));
        assertEquals(Duration.ofSeconds(4), throttle.failed("192.0.2.1"));
        assertEquals(Duration.ofSeconds(8), throttle.failed("192.0.2.1"));
        assertEquals(Duration.ofSeconds(8), throttle.failed("192.0.2.1"));
        for (int i = 5; i < LoginThrottle.MAX_FAILURES; i++) {
            assertFalse(throttle.blocked("192.0.2.1"));
            throttle.failed("192.0.2.1");
        }
        assertTrue(throttle.blocked("192.0.2.1"));
        assertFalse(throttle.blocked("192.0.2.2"), "other sources are not affected");
        now.addAndGet(LoginThrottle.WINDOW.toNanos() + 1);
        assertFalse(throttle.blocked("192.0.2.1"), "the window has passed");
    }

    @Test
    void aSuccessfulLoginForgetsTheFailures() {
        throttle.failed("198.51.100.7");
        throttle.failed("198.51.100.7");
        throttle.succeeded("198.51.100.7");
        assertEquals(Duration.ofSeconds(1), throttle.failed("198.51.100.7"));
    }

    @Test
    void theTableOfSourcesIsBounded() {
        for (int i = 0; i < LoginThrottle.MAX_SOURCES + 10; i++) {
            for (int j = 0; j < LoginThrottle.MAX_FAILURES; j++) throttle.failed("source-" + i);
        }
        assertFalse(throttle.blocked("source-0"), "the oldest entries made way");
        assertTrue(throttle.blocked("source-" + (LoginThrottle.MAX_SOURCES + 9)));
    }
}
