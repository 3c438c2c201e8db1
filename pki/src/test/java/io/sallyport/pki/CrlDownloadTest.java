package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CRLs over HTTP from a real server on loopback (the JDK's), serving the intermediate CA's CRL
 * that strongSwan's pki tool made (vectors/inter.crl): the revoked certificate is refused, the
 * schedule follows {@code refresh-interval} on the injected clock (not each check), failures
 * refuse unless tolerated, and size and time are bounded.
 */
class CrlDownloadTest {

    private static final X509Certificate ROOT = Vectors.cert("root.pem");
    private static final X509Certificate INTER = Vectors.cert("inter.pem");

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    /** What the server answers: 200 with these bytes, or the status when null. */
    private final AtomicReference<byte[]> body = new AtomicReference<>(Vectors.bytes("inter.crl"));
    private final AtomicInteger status = new AtomicInteger(200);
    private final CountDownLatch release = new CountDownLatch(1);
    private final MutableClock clock = new MutableClock(Vectors.NOW);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/crl/inter.crl", exchange -> {
            requests.incrementAndGet();
            byte[] b = body.get();
            int code = status.get();
            exchange.sendResponseHeaders(code, code == 200 ? b.length : -1);
            if (code == 200) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(b);
                }
            }
            exchange.close();
        });
        server.createContext("/crl/stall.crl", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private URI url(String name) {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + "/crl/" + name);
    }

    private CrlDownload download(OptionalInt hours, boolean tolerate) {
        return new CrlDownload("root", url("inter.crl"), hours, tolerate, CrlFetcher.defaults(), clock, Runnable::run);
    }

    private static Validation validate(CrlDownload d, String cert) {
        return ChainValidator.validate(List.of(Vectors.cert(cert), INTER), List.of(new TrustedCa("root", ROOT, true, List.of(),
                List.of(d))), Vectors.NOW);
    }

    @Test
    void theRevokedCertificateIsRefusedWithTheCrlFromHttp() {
        CrlDownload d = download(OptionalInt.empty(), false);
        d.loadIfNeverRead();
        assertEquals(RefusalReason.REVOKED, assertInstanceOf(Validation.Refused.class, validate(d, "revoked.pem")).reason());
        assertInstanceOf(Validation.Valid.class, validate(d, "gw.pem"));
        assertEquals(1, requests.get());
    }

    @Test
    void refreshIntervalSetsTheScheduleOnTheInjectedClock() {
        CrlDownload d = download(OptionalInt.of(2), false);
        d.loadIfNeverRead();
        d.loadIfNeverRead();
        for (int i = 0; i < 5; i++) d.refreshIfDue();
        assertEquals(1, requests.get(), "not read again before the interval");
        clock.advance(Duration.ofHours(2).minusSeconds(1));
        d.refreshIfDue();
        assertEquals(1, requests.get());
        clock.advance(Duration.ofSeconds(1));
        d.refreshIfDue();
        d.refreshIfDue();
        assertEquals(2, requests.get(), "read again once, when the interval is over");
    }

    @Test
    void withoutRefreshIntervalTheCrlsNextUpdateSetsTheSchedule() {
        CrlDownload d = download(OptionalInt.empty(), false);
        d.loadIfNeverRead();
        clock.advance(Duration.ofDays(3650));
        d.refreshIfDue();
        assertEquals(1, requests.get(), "inter.crl's nextUpdate is 2046");
        clock.set(Instant.parse("2046-01-01T00:00:00Z"));
        d.refreshIfDue();
        assertEquals(2, requests.get());
    }

    @Test
    void aFailedDownloadRefusesUnlessDisabledOnDownloadFailureAndARefreshFailureKeepsTheLastCrl() {
        status.set(404);
        CrlDownload strict = download(OptionalInt.of(1), false);
        strict.loadIfNeverRead();
        Validation v = validate(strict, "gw.pem");
        assertEquals(RefusalReason.CRL_UNAVAILABLE, assertInstanceOf(Validation.Refused.class, v).reason());
        assertTrue(((Validation.Refused) v).text().contains("HTTP status 404"), v.toString());
        CrlDownload tolerant = download(OptionalInt.of(1), true);
        tolerant.loadIfNeverRead();
        assertInstanceOf(Validation.Valid.class, validate(tolerant, "revoked.pem"), "no CRL and failures tolerated: not checked");
        // Retried no sooner than a minute later; then the server answers and the CRL is in hand.
        status.set(200);
        strict.refreshIfDue();
        assertEquals(2, requests.get());
        clock.advance(CrlDownload.RETRY);
        strict.refreshIfDue();
        assertEquals(RefusalReason.REVOKED, assertInstanceOf(Validation.Refused.class, validate(strict, "revoked.pem")).reason());
        // The next refresh fails: the CRL read before still counts.
        status.set(500);
        clock.advance(Duration.ofHours(1));
        strict.refreshIfDue();
        assertEquals(4, requests.get());
        assertEquals(RefusalReason.REVOKED, assertInstanceOf(Validation.Refused.class, validate(strict, "revoked.pem")).reason());
    }

    @Test
    void sizeAndTimeAreBounded() {
        CrlDownload small = new CrlDownload("root", url("inter.crl"), OptionalInt.empty(), false,
                new CrlFetcher(100, Duration.ofSeconds(5)), clock, Runnable::run);
        small.loadIfNeverRead();
        assertTrue(small.unavailable().orElseThrow().contains("larger than 100 bytes"), small.unavailable().toString());
        body.set("not a CRL".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        CrlDownload garbage = download(OptionalInt.empty(), false);
        garbage.loadIfNeverRead();
        assertTrue(garbage.unavailable().isPresent());
        CrlDownload stalled = new CrlDownload("root", url("stall.crl"), OptionalInt.empty(), false,
                new CrlFetcher(CrlFetcher.DEFAULT_MAX_BYTES, Duration.ofMillis(300)), clock, Runnable::run);
        stalled.loadIfNeverRead();
        assertTrue(stalled.unavailable().orElseThrow().contains("cannot be read"), stalled.unavailable().toString());
    }

    @Test
    void onlyFileAndHttpUrlsAreRead() {
        CrlDownload ldap = new CrlDownload("root", URI.create("ldap://ca.example.com/cn=crl"), OptionalInt.empty(), false,
                CrlFetcher.defaults(), clock, Runnable::run);
        ldap.loadIfNeverRead();
        assertTrue(ldap.unavailable().orElseThrow().contains("only file://, http:// and https://"));
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
