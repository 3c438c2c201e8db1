package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** COOKIE secrets rotate on the injected clock; the previous one is still accepted (RFC 7296 §2.6). */
class CookieJarTest {

    private static final long MINUTE = 60_000_000_000L;
    private static final InetSocketAddress FROM = new InetSocketAddress(TwoPeers.A, 500);
    private static final byte[] NI = new byte[32];

    @Test
    void aCookieOutlivesOneRotationButNotTwo() {
        var jar = new CookieJar(TwoPeers.seeded(3), 5 * MINUTE);
        byte[] c = jar.make(NI, FROM, 42, 0);
        assertEquals(32, c.length);
        assertTrue(jar.accepts(c, NI, FROM, 42, 4 * MINUTE));
        assertTrue(jar.accepts(c, NI, FROM, 42, 6 * MINUTE), "made with the previous secret");
        assertFalse(jar.accepts(c, NI, FROM, 43, 6 * MINUTE), "another SPI");
        assertFalse(jar.accepts(c, NI, new InetSocketAddress(TwoPeers.B, 500), 42, 6 * MINUTE), "another address");
        assertFalse(jar.accepts(c, NI, FROM, 42, 11 * MINUTE), "two rotations later");
    }

    @Test
    void aLongSilenceForgetsThePreviousSecretToo() {
        var jar = new CookieJar(TwoPeers.seeded(3), 5 * MINUTE);
        byte[] c = jar.make(NI, FROM, 42, 0);
        assertFalse(jar.accepts(c, NI, FROM, 42, 60 * MINUTE));
    }
}
