package io.sallyport.pki;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The gateway's CRL downloads, one per CA profile, URL and schedule, kept across plans: a commit
 * that does not change a profile's {@code crl} statements keeps its CRL and its schedule (and the
 * plan stays equal to the running one).
 */
public final class CrlDownloads {

    private record Key(String profile, URI url, OptionalInt refreshHours, boolean tolerateFailure) { }

    private final CrlFetcher fetcher;
    private final Clock clock;
    private final Executor background;
    private final Map<Key, CrlDownload> downloads = new ConcurrentHashMap<>();

    public CrlDownloads(CrlFetcher fetcher, Clock clock, Executor background) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.background = background;
    }

    public CrlDownload get(String profile, URI url, OptionalInt refreshHours, boolean tolerateFailure) {
        return downloads.computeIfAbsent(new Key(profile, url, refreshHours, tolerateFailure),
                k -> new CrlDownload(profile, url, refreshHours, tolerateFailure, fetcher, clock, background));
    }
}
