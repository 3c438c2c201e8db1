package io.sallyport.gateway.pki;

import io.sallyport.pki.PkiStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What certificate authentication keeps across plans: the certificate store, the wall clock, and
 * each service set's {@link CertificateCache}. One per gateway, made when it starts: a commit
 * plans again with the same caches, so a plan that did not change stays equal to the running one
 * and the caches keep what peers presented.
 */
public final class CertificateServices {

    private final PkiStore store;
    private final Clock clock;
    private final Map<String, CertificateCache> caches = new ConcurrentHashMap<>();

    public CertificateServices(PkiStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public PkiStore store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    /** The certificate cache of {@code serviceSet}, made on first use. */
    public CertificateCache cache(String serviceSet) {
        return caches.computeIfAbsent(serviceSet, CertificateCache::new);
    }
}
