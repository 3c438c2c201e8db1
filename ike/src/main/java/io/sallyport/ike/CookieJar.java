package io.sallyport.ike;

import io.sallyport.ike.message.Bytes;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Stateless COOKIEs (RFC 7296 §2.6): SHA-256(Ni | IPi | SPIi | secret). The secret is replaced
 * every {@link KmdOptions.Limits#cookieSecretNanos()} of the injected clock; a cookie made with
 * the previous secret is still accepted, so an initiator caught by the change is not refused.
 * Cookies are compared in constant time.
 */
final class CookieJar {

    private final SecureRandom random;
    private final long lifetime;
    private byte[] current = new byte[32];
    private byte[] previous;
    private long rotateAt = Long.MIN_VALUE;

    CookieJar(SecureRandom random, long lifetime) {
        this.random = random;
        this.lifetime = lifetime;
        random.nextBytes(current);
    }

    byte[] make(byte[] ni, InetSocketAddress from, long spiI, long now) {
        rotate(now);
        return digest(ni, from, spiI, current);
    }

    boolean accepts(byte[] offered, byte[] ni, InetSocketAddress from, long spiI, long now) {
        rotate(now);
        boolean ok = MessageDigest.isEqual(offered, digest(ni, from, spiI, current));
        // Both comparisons always run: how long this takes says nothing about which secret matched.
        boolean old = previous != null && MessageDigest.isEqual(offered, digest(ni, from, spiI, previous));
        return ok | old;
    }

    private void rotate(long now) {
        if (rotateAt == Long.MIN_VALUE) {
            rotateAt = now + lifetime;
        }
        if (now >= rotateAt) {
            previous = now - rotateAt < lifetime ? current : null;
            current = new byte[32];
            random.nextBytes(current);
            rotateAt = now + lifetime;
        }
    }

    private static byte[] digest(byte[] ni, InetSocketAddress from, long spiI, byte[] secret) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ni);
            d.update(from.getAddress().getAddress());
            d.update(Bytes.of64(spiI));
            d.update(secret);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
