package io.sallyport.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * IKEv1 keying material (RFC 2409 §5, §5.5, Appendix B), named after the RFC's terms. The PRF is
 * the HMAC of the negotiated hash (no IKEv1 peer negotiates a separate PRF). Pure functions.
 */
public final class Ikev1KeyDerivation {

    private Ikev1KeyDerivation() {
    }

    /** SKEYID for pre-shared keys: prf(pre-shared-key, Ni_b | Nr_b). */
    public static byte[] skeyidPreSharedKey(PrfAlgorithm prf, byte[] psk, byte[] niB, byte[] nrB) {
        return new Prf(prf).prf(psk, niB, nrB);
    }

    /** SKEYID for signatures: prf(Ni_b | Nr_b, g^xy). */
    public static byte[] skeyidSignature(PrfAlgorithm prf, byte[] niB, byte[] nrB, byte[] gxy) {
        return new Prf(prf).prf(IkeKeyDerivation.concat(niB, nrB), gxy);
    }

    /**
     * SKEYID_d, SKEYID_a and SKEYID_e: each prf(SKEYID, previous | g^xy | CKY-I | CKY-R | n) for
     * n = 0, 1, 2, with "previous" empty for SKEYID_d.
     */
    public static Ikev1SaKeys saKeys(PrfAlgorithm prf, byte[] skeyid, byte[] gxy, long ckyI, long ckyR) {
        Prf p = new Prf(prf);
        byte[] cookies = IkeKeyDerivation.concat(IkeKeyDerivation.longBytes(ckyI), IkeKeyDerivation.longBytes(ckyR));
        byte[] d = p.prf(skeyid, gxy, cookies, new byte[] {0});
        byte[] a = p.prf(skeyid, d, gxy, cookies, new byte[] {1});
        byte[] e = p.prf(skeyid, a, gxy, cookies, new byte[] {2});
        return new Ikev1SaKeys(skeyid, d, a, e);
    }

    /**
     * The phase-1 encryption key from SKEYID_e: its first bytes, or when it is too short the
     * Appendix B expansion K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1), concatenated.
     */
    public static byte[] encryptionKey(PrfAlgorithm prf, byte[] skeyidE, int length) {
        if (skeyidE.length >= length) {
            return Arrays.copyOf(skeyidE, length);
        }
        Prf p = new Prf(prf);
        byte[] out = new byte[length];
        byte[] k = new byte[] {0};
        for (int done = 0; done < length; ) {
            k = p.prf(skeyidE, k);
            int take = Math.min(k.length, length - done);
            System.arraycopy(k, 0, out, done, take);
            done += take;
        }
        return out;
    }

    /**
     * Quick-mode KEYMAT for one SA (RFC 2409 §5.5): K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI |
     * Ni_b | Nr_b), Kn = prf(SKEYID_d, Kn-1 | the same), concatenated to {@code length} bytes. The SPI
     * is the one the receiving side of that SA chose.
     *
     * @param gxyQm null without PFS
     */
    public static byte[] keymat(PrfAlgorithm prf, byte[] skeyidD, byte[] gxyQm, int protocol, int spi,
                                byte[] niB, byte[] nrB, int length) {
        Prf p = new Prf(prf);
        byte[] seed = IkeKeyDerivation.concat(gxyQm == null ? new byte[0] : gxyQm, new byte[] {(byte) protocol},
                new byte[] {(byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi}, niB, nrB);
        byte[] out = new byte[length];
        byte[] k = new byte[0];
        for (int done = 0; done < length; ) {
            k = p.prf(skeyidD, k, seed);
            int take = Math.min(k.length, length - done);
            System.arraycopy(k, 0, out, done, take);
            done += take;
        }
        return out;
    }

    /** The plain hash of the PRF's algorithm, as the phase-1 IV uses it: hash(g^xi | g^xr). */
    public static byte[] hash(PrfAlgorithm prf, byte[]... parts) {
        String name = switch (prf) {
            case HMAC_MD5 -> "MD5";
            case HMAC_SHA1 -> "SHA-1";
            case HMAC_SHA2_256 -> "SHA-256";
            case HMAC_SHA2_384 -> "SHA-384";
            case HMAC_SHA2_512 -> "SHA-512";
        };
        try {
            MessageDigest md = MessageDigest.getInstance(name);
            for (byte[] part : parts) {
                md.update(part);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
