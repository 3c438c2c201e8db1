package io.sallyport.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Signature algorithms for certificate authentication: RSA PKCS#1 v1.5 and ECDSA with SHA-1/SHA-2,
 * each with its ASN.1 AlgorithmIdentifier (RFC 7427 §3 carries it in the AUTH payload) and its
 * RFC 7427 hash algorithm number (the SIGNATURE_HASH_ALGORITHMS notify). The JCA signs and
 * verifies; ECDSA signatures are DER Ecdsa-Sig-Value, as RFC 7427 wants.
 */
public enum SignatureScheme {
    RSA_SHA1(KeyAlgorithm.RSA, "SHA1withRSA", PKCSObjectIdentifiers.sha1WithRSAEncryption, true, 1),
    RSA_SHA256(KeyAlgorithm.RSA, "SHA256withRSA", PKCSObjectIdentifiers.sha256WithRSAEncryption, true, 2),
    RSA_SHA384(KeyAlgorithm.RSA, "SHA384withRSA", PKCSObjectIdentifiers.sha384WithRSAEncryption, true, 3),
    RSA_SHA512(KeyAlgorithm.RSA, "SHA512withRSA", PKCSObjectIdentifiers.sha512WithRSAEncryption, true, 4),
    ECDSA_SHA256(KeyAlgorithm.ECDSA, "SHA256withECDSA", X9ObjectIdentifiers.ecdsa_with_SHA256, false, 2),
    ECDSA_SHA384(KeyAlgorithm.ECDSA, "SHA384withECDSA", X9ObjectIdentifiers.ecdsa_with_SHA384, false, 3),
    ECDSA_SHA512(KeyAlgorithm.ECDSA, "SHA512withECDSA", X9ObjectIdentifiers.ecdsa_with_SHA512, false, 4);

    private final KeyAlgorithm key;
    private final String jca;
    private final ASN1ObjectIdentifier oid;
    private final boolean nullParameters;
    private final int hashNumber;

    SignatureScheme(KeyAlgorithm key, String jca, ASN1ObjectIdentifier oid, boolean nullParameters, int hashNumber) {
        this.key = key;
        this.jca = jca;
        this.oid = oid;
        this.nullParameters = nullParameters;
        this.hashNumber = hashNumber;
    }

    public KeyAlgorithm keyAlgorithm() { return key; }

    /** The RFC 7427 §7 hash algorithm number (1 SHA1, 2 SHA2-256, 3 SHA2-384, 4 SHA2-512). */
    public int hashNumber() { return hashNumber; }

    /** The DER AlgorithmIdentifier (RSA with NULL parameters, ECDSA without, RFC 7427 App. A). */
    public byte[] algorithmIdentifier() {
        try {
            return (nullParameters ? new AlgorithmIdentifier(oid, DERNull.INSTANCE) : new AlgorithmIdentifier(oid)).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The scheme of a DER AlgorithmIdentifier, if it is one of ours. */
    public static Optional<SignatureScheme> fromAlgorithmIdentifier(byte[] der) {
        AlgorithmIdentifier id;
        try {
            id = AlgorithmIdentifier.getInstance(der);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (SignatureScheme s : values()) {
            if (s.oid.equals(id.getAlgorithm())) return Optional.of(s);
        }
        return Optional.empty();
    }

    /** The scheme for a key, hashing with the given RFC 7427 number. */
    public static Optional<SignatureScheme> of(KeyAlgorithm key, int hashNumber) {
        for (SignatureScheme s : values()) {
            if (s.key == key && s.hashNumber == hashNumber) return Optional.of(s);
        }
        return Optional.empty();
    }

    public byte[] sign(PrivateKey privateKey, byte[] data) {
        try {
            Signature s = Signature.getInstance(jca);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + jca + ": " + e.getMessage(), e);
        }
    }

    /** False for a wrong signature, a malformed one or a key of the wrong type; never throws. */
    public boolean verify(PublicKey publicKey, byte[] data, byte[] signature) {
        if (KeyAlgorithm.ofKeyOrNull(publicKey) != key) return false;
        try {
            Signature s = Signature.getInstance(jca);
            s.initVerify(publicKey);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
