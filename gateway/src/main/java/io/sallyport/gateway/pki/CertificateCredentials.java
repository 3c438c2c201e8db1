package io.sallyport.gateway.pki;

import io.sallyport.config.model.AuthenticationMethod;
import io.sallyport.config.model.CaProfile;
import io.sallyport.config.model.IkePolicy;
import io.sallyport.config.model.IpsecVpnOptions;
import io.sallyport.config.model.Pki;
import io.sallyport.config.model.RevocationCheck;
import io.sallyport.pki.CrlDownload;
import io.sallyport.pki.DistinguishedNamePattern;
import io.sallyport.pki.KeyAlgorithm;
import io.sallyport.pki.KeyPairs;
import io.sallyport.pki.PkiStore;
import io.sallyport.pki.TrustedCa;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link CertificateAuthenticator} from the configuration ({@code local-certificate},
 * {@code trusted-ca}, CA profiles, {@code certificate-policy-oids}, {@code
 * no-certificate-chain-in-ike}) and the state directory's certificate store. Whatever is missing
 * becomes a problem in words that names the command that fixes it.
 */
public final class CertificateCredentials {

    private CertificateCredentials() {}

    public static Optional<CertificateAuthenticator> build(CertificateServices services, String serviceSet, Pki pki,
            IkePolicy policy, IpsecVpnOptions options, AuthenticationMethod method, List<String> problems) {
        PkiStore store = services.store();
        if (policy.localCertificate().isEmpty()) {
            problems.add("ike policy " + policy.name() + " has no local-certificate for authentication-method " + method.keyword());
            return Optional.empty();
        }
        String id = policy.localCertificate().get();
        Optional<List<X509Certificate>> chain = PkiStore.validName(id) ? store.localCertificate(id) : Optional.empty();
        Optional<KeyPair> keys = PkiStore.validName(id) ? store.keyPair(id) : Optional.empty();
        if (chain.isEmpty() || keys.isEmpty()) {
            problems.add("local-certificate " + id + " is not loaded (request security pki local-certificate load certificate-id "
                    + id + " filename FILE)");
            return Optional.empty();
        }
        X509Certificate cert = chain.get().getFirst();
        KeyAlgorithm type = KeyAlgorithm.ofKeyOrNull(cert.getPublicKey());
        boolean fits = switch (method) {
            case RSA_SIGNATURES -> type == KeyAlgorithm.RSA;
            case ECDSA_SIGNATURES_256 -> type == KeyAlgorithm.ECDSA && KeyPairs.bits(cert.getPublicKey()) == 256;
            case ECDSA_SIGNATURES_384 -> type == KeyAlgorithm.ECDSA && KeyPairs.bits(cert.getPublicKey()) == 384;
            default -> false;
        };
        if (!fits) {
            problems.add("local-certificate " + id + " has a " + (type == null ? "unsupported" : type.keyword()) + " "
                    + KeyPairs.bits(cert.getPublicKey()) + "-bit key, which authentication-method " + method.keyword() + " cannot use");
            return Optional.empty();
        }
        List<TrustedCa> trusted = trusted(services, pki, options, problems);
        if (trusted.isEmpty()) {
            return Optional.empty();
        }
        List<DistinguishedNamePattern> remoteNames = remoteNames(policy, problems);
        if (remoteNames == null) {
            return Optional.empty();
        }
        CertificateCache cache = services.cache(serviceSet);
        cache.add(trusted.stream().map(TrustedCa::certificate).toList(), CertificateCache.Origin.TRUSTED_CA);
        cache.add(chain.get(), CertificateCache.Origin.LOCAL);
        return Optional.of(new CertificateAuthenticator(id, keys.get().getPrivate(), chain.get(), !options.noCertificateChainInIke(),
                trusted, policy.certificatePolicyOids(), remoteNames, services.clock(), cache));
    }

    /**
     * {@code remote-id distinguished-name} when the remote-id has nothing else (otherwise the first
     * other identity is the one the engine checks, and a commit warning says the rest is ignored);
     * null when an entry is not a distinguished name (a problem says which).
     */
    private static List<DistinguishedNamePattern> remoteNames(IkePolicy policy, List<String> problems) {
        IkePolicy.RemoteId id = policy.remoteId();
        if (!id.ipv4Addresses().isEmpty() || !id.ipv6Addresses().isEmpty() || !id.fqdns().isEmpty() || !id.keyIds().isEmpty()) {
            return List.of();
        }
        List<DistinguishedNamePattern> out = new ArrayList<>();
        int before = problems.size();
        for (DistinguishedNamePattern.Kind kind : DistinguishedNamePattern.Kind.values()) {
            List<String> texts = switch (kind) {
                case CONTAINER -> id.dnContainers();
                case WILDCARD -> id.dnWildcards();
                case EXACT_MATCH -> id.dnExactMatches();
            };
            for (String text : texts) {
                try {
                    out.add(DistinguishedNamePattern.parse(kind, text));
                } catch (IllegalArgumentException e) {
                    problems.add("ike policy " + policy.name() + ": remote-id distinguished-name " + kind.keyword() + " \""
                            + text + "\" is not a distinguished name (" + e.getMessage() + ")");
                }
            }
        }
        return problems.size() == before ? out : null;
    }

    /** The service set's {@code trusted-ca} profiles, or every profile with a CA certificate when none is named. */
    private static List<TrustedCa> trusted(CertificateServices services, Pki pki, IpsecVpnOptions options, List<String> problems) {
        PkiStore store = services.store();
        int before = problems.size();
        List<String> names = options.trustedCa().isEmpty() ? List.copyOf(pki.caProfiles().keySet()) : options.trustedCa();
        List<TrustedCa> out = new ArrayList<>();
        for (String name : names) {
            CaProfile profile = pki.caProfiles().get(name);
            Optional<X509Certificate> ca = profile != null && PkiStore.validName(name) ? store.caCertificate(name) : Optional.empty();
            if (ca.isEmpty()) {
                if (!options.trustedCa().isEmpty()) {
                    problems.add("trusted-ca " + name + " has no CA certificate (request security pki ca-certificate load ca-profile "
                            + name + " filename FILE)");
                }
                continue;
            }
            out.add(trustedCa(services, profile, ca.get(), problems));
        }
        if (out.isEmpty() && options.trustedCa().isEmpty()) {
            problems.add("no CA certificate is loaded to check the peer's certificate (set security pki ca-profile NAME, "
                    + "then request security pki ca-certificate load ca-profile NAME filename FILE)");
        }
        return problems.size() == before ? out : List.of();
    }

    /**
     * The profile's CRLs: those loaded into the store, and one download per {@code crl url}, read
     * now the first time (bounded) and refreshed on its schedule when handshakes check certificates.
     */
    private static TrustedCa trustedCa(CertificateServices services, CaProfile profile, X509Certificate ca, List<String> problems) {
        if (profile.revocationCheck() == RevocationCheck.DISABLE) {
            return TrustedCa.withoutRevocation(profile.name(), ca);
        }
        List<X509CRL> loaded = new ArrayList<>();
        services.store().crl(profile.name()).ifPresent(loaded::add);
        List<CrlDownload> downloads = new ArrayList<>();
        for (String url : profile.crlUrls()) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                problems.add("crl url " + url + " of CA profile " + profile.name() + " is not a URL: " + e.getReason());
                continue;
            }
            CrlDownload d = services.crls().get(profile.name(), uri, profile.crlRefreshIntervalHours(),
                    profile.crlDisableOnDownloadFailure());
            d.loadIfNeverRead();
            downloads.add(d);
        }
        return new TrustedCa(profile.name(), ca, true, loaded, downloads);
    }
}
