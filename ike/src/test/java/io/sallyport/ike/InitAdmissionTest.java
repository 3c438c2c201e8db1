package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** IKE_SA_INIT admission: per-source and global token buckets in a bounded table, recent refusals. */
class InitAdmissionTest {

    private static final long SECOND = 1_000_000_000L;
    private static final KmdOptions.Limits LIMITS = KmdOptions.Limits.defaults();

    private static InetAddress source(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, (byte) (18 + (i >> 16 & 1)), (byte) (i >> 8), (byte) i});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneSourceGetsItsBurstThenItsRate() {
        var a = new InitAdmission(LIMITS);
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            admitted += a.admit(source(1), SECOND) ? 1 : 0;
        }
        assertEquals(LIMITS.initBurstPerSource(), admitted);
        assertFalse(a.admit(source(1), SECOND + SECOND / LIMITS.initRatePerSource() / 2));
        assertTrue(a.admit(source(1), SECOND + SECOND / LIMITS.initRatePerSource()));
        assertTrue(a.admit(source(2), SECOND), "another source has its own bucket");
    }

    @Test
    void manySourcesMeetTheGlobalBucketAndABoundedTable() {
        var a = new InitAdmission(LIMITS);
        int admitted = 0;
        for (int i = 0; i < 100_000; i++) {
            admitted += a.admit(source(i), SECOND) ? 1 : 0;
        }
        assertEquals(LIMITS.initBurstGlobal(), admitted);
        assertEquals(LIMITS.sourceTableSize(), a.trackedSources());
    }

    @Test
    void refusalsCountForOneToTwoSeconds() {
        var a = new InitAdmission(LIMITS);
        a.refused(SECOND);
        a.refused(SECOND + SECOND / 2);
        assertEquals(2, a.recentlyRefused(SECOND + SECOND / 2));
        assertEquals(2, a.recentlyRefused(2 * SECOND + SECOND / 2), "the previous second still counts");
        assertEquals(0, a.recentlyRefused(3 * SECOND + SECOND / 2));
    }
}
