package io.sallyport.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.KeyAgreement;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECNamedCurveSpec;

/**
 * One side of a Diffie-Hellman exchange in a {@link DhGroup}: our private value, the public value
 * for the KE payload, and the shared secret g^ir from the peer's public value.
 *
 * <p>MODP groups use {@link BigInteger#modPow} on the RFC 2409/3526/5114 parameters; the public
 * value and the shared secret are left-padded to the prime length (RFC 7296 §3.4). ECP groups use
 * JCA "EC"/"ECDH" from the Bouncy Castle provider (not registered globally, asked by instance):
 * public values are x||y and the shared secret is the x coordinate (RFC 5903 §7). A peer value
 * that is out of range or not on the curve yields an empty result, never an exception.
 *
 * <p>Why Bouncy Castle for ECDH: the JDK's SunEC agreement validates the peer's point once more
 * with a second scalar multiplication (by the group order), which the NIST curves (cofactor 1) do
 * not need once {@link #isValidPeerValue} found the point on the curve; with it a P-256 agreement
 * costs about three times Bouncy Castle's, and an IKE responder makes one per handshake.
 */
public final class KeyExchange {

    /** Bouncy Castle's JCA provider, for EC only; one instance (making one costs milliseconds). */
    private static final Provider EC_PROVIDER = new BouncyCastleProvider();

    private final DhGroup group;
    private final byte[] publicValue;
    private final BigInteger modpPrivate;
    private final PrivateKey ecPrivate;

    private KeyExchange(DhGroup group, byte[] publicValue, BigInteger modpPrivate, PrivateKey ecPrivate) {
        this.group = group;
        this.publicValue = publicValue;
        this.modpPrivate = modpPrivate;
        this.ecPrivate = ecPrivate;
    }

    /** A fresh private value from {@code random}. */
    public static KeyExchange generate(DhGroup group, SecureRandom random) {
        if (group.kind() == DhGroup.Kind.MODP) {
            ModpParameters params = ModpParameters.of(group);
            BigInteger x;
            do {
                x = new BigInteger(params.exponentBits(), random);
            } while (x.compareTo(BigInteger.TWO) < 0 || x.compareTo(params.q()) >= 0);
            return fromModpPrivate(group, x);
        }
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", EC_PROVIDER);
            kpg.initialize(new ECGenParameterSpec(curveName(group)), random);
            var pair = kpg.generateKeyPair();
            ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
            return new KeyExchange(group, encodePoint(group, w), null, pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks " + curveName(group), e);
        }
    }

    /** A MODP exchange with a given private exponent (known-answer tests). */
    public static KeyExchange fromModpPrivate(DhGroup group, BigInteger x) {
        ModpParameters params = ModpParameters.of(group);
        byte[] pub = leftPad(params.g().modPow(x, params.p()), group.publicValueSize());
        return new KeyExchange(group, pub, x, null);
    }

    /** An ECP exchange with a given private scalar and its public point x||y (known-answer tests). */
    public static KeyExchange fromEcPrivate(DhGroup group, BigInteger d, byte[] publicValue) {
        try {
            ECParameterSpec spec = curveSpec(group);
            var key = KeyFactory.getInstance("EC", EC_PROVIDER).generatePrivate(new java.security.spec.ECPrivateKeySpec(d, spec));
            return new KeyExchange(group, publicValue.clone(), null, (ECPrivateKey) key);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("bad EC private key for " + group, e);
        }
    }

    public DhGroup group() { return group; }

    /** The KE payload's key exchange data. */
    public byte[] publicValue() { return publicValue.clone(); }

    /** g^ir, or empty when the peer's public value is malformed or weak. */
    public Optional<byte[]> sharedSecret(byte[] peerPublic) {
        if (!isValidPeerValue(group, peerPublic)) {
            return Optional.empty();
        }
        return group.kind() == DhGroup.Kind.MODP ? modpShared(peerPublic) : ecShared(peerPublic);
    }

    /**
     * The checks of a peer's public value that cost no exponentiation, for use before any DH
     * work: the length for the group; for MODP 1 < y < p-1 (RFC 2631 §2.1.5 range, rejecting the
     * trivial subgroup); for ECP both coordinates below p and the point on the curve (RFC 6989
     * §2.3; the NIST curves have cofactor 1, so that is subgroup membership too). Group 24's
     * subgroup check (RFC 6989 §2.2, y^q = 1) needs an exponentiation and is made by
     * {@link #sharedSecret}.
     */
    public static boolean isValidPeerValue(DhGroup group, byte[] peerPublic) {
        if (peerPublic.length != group.publicValueSize()) {
            return false;
        }
        if (group.kind() == DhGroup.Kind.MODP) {
            BigInteger p = ModpParameters.of(group).p();
            BigInteger y = new BigInteger(1, peerPublic);
            return y.compareTo(BigInteger.ONE) > 0 && y.compareTo(p.subtract(BigInteger.ONE)) < 0;
        }
        ECParameterSpec spec = curveSpec(group);
        BigInteger p = ((java.security.spec.ECFieldFp) spec.getCurve().getField()).getP();
        int half = peerPublic.length / 2;
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerPublic, 0, half));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(peerPublic, half, peerPublic.length));
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger rhs = x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
        return y.multiply(y).mod(p).equals(rhs);
    }

    private Optional<byte[]> modpShared(byte[] peerPublic) {
        ModpParameters params = ModpParameters.of(group);
        BigInteger y = new BigInteger(1, peerPublic);
        // Group 24 is not a safe-prime group: y must lie in the order-q subgroup, or a reused
        // exponent leaks through small subgroups (RFC 6989 §2.2).
        if (group == DhGroup.GROUP24 && !y.modPow(params.q(), params.p()).equals(BigInteger.ONE)) {
            return Optional.empty();
        }
        return Optional.of(leftPad(y.modPow(modpPrivate, params.p()), group.publicValueSize()));
    }

    private Optional<byte[]> ecShared(byte[] peerPublic) {
        int half = peerPublic.length / 2;
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerPublic, 0, half));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(peerPublic, half, peerPublic.length));
        try {
            var pub = KeyFactory.getInstance("EC", EC_PROVIDER).generatePublic(new ECPublicKeySpec(new ECPoint(x, y), curveSpec(group)));
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", EC_PROVIDER);
            ka.init(ecPrivate);
            ka.doPhase(pub, true);
            return Optional.of(leftPad(new BigInteger(1, ka.generateSecret()), half));
        } catch (GeneralSecurityException | IllegalStateException | IllegalArgumentException e) {
            // The provider rejects points off the curve or at infinity; that is bad peer input.
            return Optional.empty();
        }
    }

    private static String curveName(DhGroup group) {
        return switch (group) {
            case GROUP19 -> "secp256r1";
            case GROUP20 -> "secp384r1";
            case GROUP21 -> "secp521r1";
            default -> throw new IllegalArgumentException(group + " is not an ECP group");
        };
    }

    /**
     * Curve parameters are immutable; looking them up costs more than an ECDH, so they are cached.
     * A named spec lets the provider use its code for that curve without matching parameters.
     */
    private static final java.util.Map<DhGroup, ECParameterSpec> CURVES = new java.util.concurrent.ConcurrentHashMap<>();

    private static ECParameterSpec curveSpec(DhGroup group) {
        return CURVES.computeIfAbsent(group, g -> {
            String name = curveName(g);
            ECNamedCurveParameterSpec bc = ECNamedCurveTable.getParameterSpec(name);
            return new ECNamedCurveSpec(name, bc.getCurve(), bc.getG(), bc.getN(), bc.getH(), bc.getSeed());
        });
    }

    private static byte[] encodePoint(DhGroup group, ECPoint w) {
        int half = group.publicValueSize() / 2;
        byte[] out = new byte[2 * half];
        System.arraycopy(leftPad(w.getAffineX(), half), 0, out, 0, half);
        System.arraycopy(leftPad(w.getAffineY(), half), 0, out, half, half);
        return out;
    }

    static byte[] leftPad(BigInteger v, int size) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[size];
        int n = Math.min(raw.length, size);
        System.arraycopy(raw, raw.length - n, out, size - n, n);
        return out;
    }
}
