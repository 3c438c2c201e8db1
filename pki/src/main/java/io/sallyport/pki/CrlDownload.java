package io.sallyport.pki;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@code revocation-check crl url} of a CA profile and the CRL last read from it. The first
 * read happens when a plan is made ({@link #loadIfNeverRead}); after that a handshake that checks
 * a certificate of this CA asks for a refresh ({@link #refreshIfDue}), which starts one background
 * read when the schedule says so and never waits for it: the check uses the CRL in hand.
 *
 * <p>Schedule: every {@code refresh-interval} hours; without one (or 0), at the CRL's own
 * nextUpdate, else daily. A failed read is tried again no sooner than {@link #RETRY} later and
 * keeps the last good CRL. With no CRL ever read, certificates of the CA are refused unless
 * {@code disable on-download-failure}.
 *
 * <p>Thread-safe: plan, handshake and background read may run on different threads; the state is
 * one immutable value replaced whole.
 */
public final class CrlDownload {

    /** How soon a failed read is tried again. */
    public static final Duration RETRY = Duration.ofMinutes(1);
    private static final Duration DEFAULT_REFRESH = Duration.ofHours(24);

    private record State(Optional<X509CRL> crl, Optional<String> failure, Instant nextRead) { }

    private final String profile;
    private final URI url;
    private final OptionalInt refreshHours;
    private final boolean tolerateFailure;
    private final CrlFetcher fetcher;
    private final Clock clock;
    private final Executor background;
    private final AtomicReference<State> state = new AtomicReference<>();
    private final AtomicBoolean reading = new AtomicBoolean();

    /**
     * @param profile         the CA profile, for messages
     * @param tolerateFailure {@code crl disable on-download-failure}
     * @param background      where refreshes run
     */
    public CrlDownload(String profile, URI url, OptionalInt refreshHours, boolean tolerateFailure, CrlFetcher fetcher,
            Clock clock, Executor background) {
        this.profile = profile;
        this.url = url;
        this.refreshHours = refreshHours;
        this.tolerateFailure = tolerateFailure;
        this.fetcher = fetcher;
        this.clock = clock;
        this.background = background;
    }

    public URI url() {
        return url;
    }

    /** Reads the CRL now, on the caller's thread, unless it was ever read (bounded by the fetcher). */
    public void loadIfNeverRead() {
        if (state.get() == null && reading.compareAndSet(false, true)) {
            try {
                read();
            } finally {
                reading.set(false);
            }
        }
    }

    /** Starts a background read when one is due and none is running; returns at once. */
    public void refreshIfDue() {
        State s = state.get();
        if (s != null && clock.instant().isBefore(s.nextRead())) {
            return;
        }
        if (reading.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    read();
                } finally {
                    reading.set(false);
                }
            });
        }
    }

    /** The CRL last read, if any read succeeded. */
    public Optional<X509CRL> crl() {
        State s = state.get();
        return s == null ? Optional.empty() : s.crl();
    }

    /** Why certificates of this CA must be refused: no CRL could be read and failures are not tolerated. */
    public Optional<String> unavailable() {
        State s = state.get();
        if (tolerateFailure || (s != null && s.crl().isPresent())) {
            return Optional.empty();
        }
        String why = s == null ? "not read yet" : s.failure().orElse("not read yet");
        return Optional.of("CRL " + url + " of CA profile " + profile + " cannot be read: " + why);
    }

    private void read() {
        Instant now = clock.instant();
        State before = state.get();
        Optional<X509CRL> previous = before == null ? Optional.empty() : before.crl();
        try {
            X509CRL crl = Credentials.crl(fetcher.fetch(url));
            state.set(new State(Optional.of(crl), Optional.empty(), now.plus(interval(crl, now))));
        } catch (IOException | IllegalArgumentException e) {
            Duration retry = refreshHours.isPresent() && refreshHours.getAsInt() > 0
                    ? min(RETRY, Duration.ofHours(refreshHours.getAsInt())) : RETRY;
            state.set(new State(previous, Optional.of(e.getMessage() == null ? e.toString() : e.getMessage()), now.plus(retry)));
        }
    }

    private Duration interval(X509CRL crl, Instant now) {
        if (refreshHours.isPresent() && refreshHours.getAsInt() > 0) {
            return Duration.ofHours(refreshHours.getAsInt());
        }
        if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isAfter(now)) {
            return Duration.between(now, crl.getNextUpdate().toInstant());
        }
        return DEFAULT_REFRESH;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "CrlDownload[" + profile + ", " + url + "]";
    }
}
