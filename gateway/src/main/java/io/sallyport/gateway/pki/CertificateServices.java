package io.sallyport.gateway.pki;

import io.sallyport.pki.CrlDownloads;
import io.sallyport.pki.CrlFetcher;
import io.sallyport.pki.PkiStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What certificate authentication keeps across plans: the certificate store, the wall clock, the
 * CRL downloads with their schedules, and each service set's {@link CertificateCache}. One per
 * gateway, made when it starts: a commit plans again with the same caches and downloads, so a plan
 * that did not change stays equal to the running one, the caches keep what peers presented and a
 * CRL is not read again before its schedule says so.
 */
public final class CertificateServices {

    private final PkiStore store;
    private final Clock clock;
    private final CrlDownloads crls;
    private final Map<String, CertificateCache> caches = new ConcurrentHashMap<>();

    /** CRL refreshes each run on a virtual thread of their own (at most one per URL at a time). */
    public CertificateServices(PkiStore store, Clock clock) {
        this(store, clock, CrlFetcher.defaults(), task -> Thread.ofVirtual().name("crl-download").start(task));
    }

    /** @param background where CRL refreshes run ({@code Runnable::run} in tests: deterministic) */
    public CertificateServices(PkiStore store, Clock clock, CrlFetcher fetcher, Executor background) {
        this.store = store;
        this.clock = clock;
        this.crls = new CrlDownloads(fetcher, clock, background);
    }

    public CrlDownloads crls() {
        return crls;
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
