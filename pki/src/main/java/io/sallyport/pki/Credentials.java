package io.sallyport.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads and writes certificates, private keys and CRLs in the forms users bring: PEM or DER
 * certificates (several in one file), PKCS#1/SEC1/PKCS#8 keys in PEM or DER, encrypted PKCS#8
 * with a passphrase, PKCS#12 bundles. Bouncy Castle parses PEM; the JCA does the rest.
 */
public final class Credentials {

    /** Only for decrypting PBES2 keys; never installed as a global provider. */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** A private key with the certificates found next to it (PKCS#12), end entity first. */
    public record KeyAndChain(PrivateKey key, List<X509Certificate> chain) {
        /** Never the key: the JDK's RSA keys print their private exponent. */
        @Override
        public String toString() {
            return "KeyAndChain[" + key.getAlgorithm() + " key, " + chain.size() + " certificates]";
        }
    }

    private Credentials() {}

    /** Every certificate in a PEM or DER file; an error when there is none. */
    public static List<X509Certificate> certificates(byte[] file) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(file))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) throw new IllegalArgumentException("no certificate found");
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a certificate (PEM or DER expected): " + e.getMessage(), e);
        }
    }

    public static X509Certificate certificate(byte[] der) {
        return certificates(der).getFirst();
    }

    /** A CRL in PEM or DER. */
    public static X509CRL crl(byte[] file) {
        try {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(file));
            if (crl == null) throw new IllegalArgumentException("no CRL found");
            return crl;
        } catch (CertificateException | CRLException e) {
            throw new IllegalArgumentException("not a CRL (PEM or DER expected): " + e.getMessage(), e);
        }
    }

    /**
     * A private key: PEM (PKCS#1 RSA, SEC1 EC, PKCS#8, encrypted PKCS#8) or DER PKCS#8. The
     * passphrase is only needed for an encrypted key and is never kept.
     */
    public static PrivateKey privateKey(byte[] file, char[] passphrase) {
        if (!looksLikePem(file)) return derPrivateKey(file);
        try (PEMParser parser = new PEMParser(reader(file))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                switch (o) {
                    case PEMKeyPair kp -> { return converter.getKeyPair(kp).getPrivate(); }
                    case PrivateKeyInfo info -> { return converter.getPrivateKey(info); }
                    case PKCS8EncryptedPrivateKeyInfo enc -> {
                        if (passphrase == null || passphrase.length == 0) {
                            throw new IllegalArgumentException("the key is encrypted: give its passphrase");
                        }
                        PrivateKeyInfo info = enc.decryptPrivateKeyInfo(
                                new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase));
                        return converter.getPrivateKey(info);
                    }
                    default -> { }
                }
            }
            throw new IllegalArgumentException("no private key found");
        } catch (PKCSException e) {
            throw new IllegalArgumentException("cannot decrypt the key (wrong passphrase?)", e);
        } catch (PEMException e) {
            throw new IllegalArgumentException("not a private key: " + e.getMessage(), e);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalArgumentException("cannot read the key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey derPrivateKey(byte[] der) {
        for (String alg : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not a private key (PEM or DER PKCS#8 expected)");
    }

    /** A PKCS#12 bundle: its first key entry and that entry's certificate chain. */
    public static KeyAndChain pkcs12(byte[] file, char[] passphrase) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(file), passphrase);
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) continue;
                Key key = ks.getKey(alias, passphrase);
                List<X509Certificate> chain = new ArrayList<>();
                Certificate[] certs = ks.getCertificateChain(alias);
                if (certs != null) for (Certificate c : certs) chain.add((X509Certificate) c);
                return new KeyAndChain((PrivateKey) key, chain);
            }
            throw new IllegalArgumentException("the PKCS#12 file holds no private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot open the PKCS#12 file (wrong passphrase?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the PKCS#12 file: " + e.getMessage(), e);
        }
    }

    /** True for a PKCS#12 file (DER SEQUENCE whose first element is INTEGER 3). */
    public static boolean isPkcs12(byte[] file) {
        if (looksLikePem(file) || file.length < 8 || file[0] != 0x30) return false;
        int i = 1 + ((file[1] & 0x80) != 0 ? 1 + (file[1] & 0x7f) : 1);
        return i + 2 < file.length && file[i] == 0x02 && file[i + 1] == 0x01 && file[i + 2] == 0x03;
    }

    /** A PKCS#8 private key in PEM ("PRIVATE KEY"). */
    public static String pkcs8Pem(PrivateKey key) {
        return pemBlock("PRIVATE KEY", key.getEncoded());
    }

    public static String pemBlock(String type, byte[] der) {
        String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    private static boolean looksLikePem(byte[] file) {
        return new String(file, 0, Math.min(file.length, 4096), StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
    }

    private static Reader reader(byte[] file) {
        return new InputStreamReader(new ByteArrayInputStream(file), StandardCharsets.US_ASCII);
    }
}
