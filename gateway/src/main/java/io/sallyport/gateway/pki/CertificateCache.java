package io.sallyport.gateway.pki;

import io.sallyport.pki.Fingerprints;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One service set's certificate cache ({@code show services ipsec-vpn certificates}, reference
 * §4.6): the CA and local certificates its tunnels were planned with, and every certificate a peer
 * presented in a chain that passed validation. Entries are numbered in the order they arrived; at
 * most {@link #MAX_PEER_ENTRIES} peer certificates are kept (the oldest go first), so peers that
 * change certificates cannot grow it without end.
 *
 * <p>Peer entries are written on the control agent only: kmd runs the authenticator there, and the
 * operator's {@code clear} is queued to it ({@code Gateway.clearPeerCertificates}). The planner adds
 * the CA and local certificates when a commit builds the set's credentials, on the committing
 * thread; so writers swap the whole immutable list with a compare-and-set (copy on write), and
 * {@code show}, on other threads, never sees a half-made change.
 */
public final class CertificateCache {

    /** Why a certificate is in the cache. */
    public enum Origin { TRUSTED_CA, LOCAL, PEER }

    /** Peer certificates kept per service set. */
    public static final int MAX_PEER_ENTRIES = 256;

    /** A cached certificate under its cache entry number; {@code fingerprint} (SHA-256) tells duplicates apart. */
    public record Entry(int number, X509Certificate certificate, Origin origin, String fingerprint) {
        /** {@code Root Trusted}: a self-signed CA; {@code Non-root Trusted}: anything it vouched for. */
        public boolean root() {
            return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
        }
    }

    private record State(List<Entry> entries, int lastNumber) { }

    private final String serviceSet;
    private final int maxPeerEntries;
    private final AtomicReference<State> state = new AtomicReference<>(new State(List.of(), 0));

    public CertificateCache(String serviceSet) {
        this(serviceSet, MAX_PEER_ENTRIES);
    }

    CertificateCache(String serviceSet, int maxPeerEntries) {
        this.serviceSet = serviceSet;
        this.maxPeerEntries = maxPeerEntries;
    }

    public String serviceSet() {
        return serviceSet;
    }

    /** The entries, oldest first. */
    public List<Entry> entries() {
        return state.get().entries();
    }

    /** Adds the certificates not cached yet (compared by their encoding). */
    public void add(List<X509Certificate> certificates, Origin origin) {
        List<String> fingerprints = certificates.stream().map(CertificateCache::fingerprint).toList();
        state.updateAndGet(s -> {
            Set<String> known = new HashSet<>();
            s.entries().forEach(e -> known.add(e.fingerprint()));
            List<Entry> entries = new ArrayList<>(s.entries());
            int last = s.lastNumber();
            for (int i = 0; i < certificates.size(); i++) {
                if (known.add(fingerprints.get(i))) {
                    entries.add(new Entry(++last, certificates.get(i), origin, fingerprints.get(i)));
                }
            }
            if (last == s.lastNumber()) {
                return s;
            }
            long peers = entries.stream().filter(e -> e.origin() == Origin.PEER).count();
            for (var it = entries.iterator(); peers > maxPeerEntries && it.hasNext(); ) {
                if (it.next().origin() == Origin.PEER) {
                    it.remove();
                    peers--;
                }
            }
            return new State(List.copyOf(entries), last);
        });
    }

    /**
     * {@code clear services ipsec-vpn certificates}: forgets what peers presented (the next
     * negotiation caches them again). The CA and local certificates stay: the plan keeps using
     * them, and {@code clear security pki ...} is what removes them.
     *
     * @param number one entry, or 0 for every peer entry
     * @return whether anything was removed
     */
    public boolean clearPeers(int number) {
        State before = state.getAndUpdate(s -> new State(s.entries().stream()
                .filter(e -> e.origin() != Origin.PEER || (number != 0 && e.number() != number)).toList(), s.lastNumber()));
        return before.entries().stream().anyMatch(e -> e.origin() == Origin.PEER && (number == 0 || e.number() == number));
    }

    private static String fingerprint(X509Certificate c) {
        try {
            return Fingerprints.colonHex(Fingerprints.digest("SHA-256", c.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("a certificate that cannot be encoded", e);
        }
    }

    @Override
    public String toString() {
        return "CertificateCache[" + serviceSet + ", " + entries().size() + " entries]";
    }
}
