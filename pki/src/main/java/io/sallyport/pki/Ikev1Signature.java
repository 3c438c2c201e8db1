package io.sallyport.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.util.Arrays;
import java.util.OptionalInt;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * IKEv1 signature authentication: SIG_I/SIG_R is a signature over HASH_I/HASH_R itself, the PRF
 * output, never hashed again (it is not a named digest).
 * <ul>
 * <li>RSA (RFC 2409 §5.1, method 3): PKCS#1 v1.5 padded, no DigestInfo: the JCA's
 * {@code NONEwithRSA}, strongSwan's SIGN_RSA_EMSA_PKCS1_NULL.</li>
 * <li>ECDSA (RFC 4754, methods 9, 10, 11 for P-256, P-384, P-521): ECDSA over the raw hash
 * (longer hashes truncated to the curve order as ECDSA does), the signature r|s with each
 * integer padded to the curve's octet length (RFC 4754 §7): the JCA's {@code NONEwithECDSA}
 * with its DER Ecdsa-Sig-Value unwrapped, strongSwan's SIGN_ECDSA_WITH_NULL.</li>
 * </ul>
 */
public final class Ikev1Signature {

    public static final int RSA = 3;
    public static final int ECDSA_256 = 9;
    public static final int ECDSA_384 = 10;
    public static final int ECDSA_521 = 11;

    private Ikev1Signature() {}

    /** The IKEv1 authentication method a key signs with (3, 9, 10 or 11); empty for other keys and curves. */
    public static OptionalInt method(Key key) {
        KeyAlgorithm type = KeyAlgorithm.ofKeyOrNull(key);
        if (type == KeyAlgorithm.RSA) {
            return OptionalInt.of(RSA);
        }
        if (type != KeyAlgorithm.ECDSA || !(key instanceof ECKey ec)) {
            return OptionalInt.empty();
        }
        return switch (ec.getParams().getCurve().getField().getFieldSize()) {
            case 256 -> OptionalInt.of(ECDSA_256);
            case 384 -> OptionalInt.of(ECDSA_384);
            case 521 -> OptionalInt.of(ECDSA_521);
            default -> OptionalInt.empty();
        };
    }

    /** Junos's words for a method, as show output and refusals say them. */
    public static String name(int method) {
        return switch (method) {
            case RSA -> "RSA";
            case ECDSA_256 -> "ECDSA-256";
            case ECDSA_384 -> "ECDSA-384";
            case ECDSA_521 -> "ECDSA-521";
            default -> "method " + method;
        };
    }

    public static byte[] sign(PrivateKey key, byte[] hash) {
        boolean ecdsa = KeyAlgorithm.ofKeyOrNull(key) == KeyAlgorithm.ECDSA;
        byte[] sig = jca(ecdsa ? "NONEwithECDSA" : "NONEwithRSA", key, hash);
        return ecdsa ? plain(sig, octets((ECKey) key)) : sig;
    }

    /**
     * False for a wrong or malformed signature, or a key that does not sign with {@code method}
     * (a P-384 key cannot answer for ECDSA-256); never throws.
     */
    public static boolean verify(int method, PublicKey key, byte[] hash, byte[] signature) {
        if (method(key).orElse(-1) != method) return false;
        try {
            byte[] sig = signature;
            String jca = "NONEwithRSA";
            if (method != RSA) {
                int n = octets((ECKey) key);
                if (signature.length != 2 * n) return false;
                sig = der(signature, n);
                jca = "NONEwithECDSA";
            }
            Signature s = Signature.getInstance(jca);
            s.initVerify(key);
            s.update(hash);
            return s.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private static byte[] jca(String algorithm, PrivateKey key, byte[] hash) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(hash);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + algorithm + ": " + e.getMessage(), e);
        }
    }

    private static int octets(ECKey key) {
        return (key.getParams().getOrder().bitLength() + 7) / 8;
    }

    /** DER Ecdsa-Sig-Value to r|s, each left-padded to {@code n} octets. */
    private static byte[] plain(byte[] der, int n) {
        ASN1Sequence seq = ASN1Sequence.getInstance(der);
        byte[] out = new byte[2 * n];
        for (int i = 0; i < 2; i++) {
            byte[] v = ASN1Integer.getInstance(seq.getObjectAt(i)).getPositiveValue().toByteArray();
            int from = Math.max(0, v.length - n); // a leading sign octet
            System.arraycopy(v, from, out, (i + 1) * n - (v.length - from), v.length - from);
        }
        return out;
    }

    /** r|s of {@code n} octets each to DER Ecdsa-Sig-Value. */
    private static byte[] der(byte[] plain, int n) throws IOException {
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(plain, 0, n));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(plain, n, 2 * n));
        return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
    }
}
