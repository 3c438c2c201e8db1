package io.sallyport.pki;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads a CRL from a {@code revocation-check crl url}: {@code file://} from disk, {@code http://}
 * and {@code https://} with the JDK's HTTP client. Bounded: at most {@code maxBytes} (a larger
 * CRL is refused, not truncated) and {@code timeout} for the whole request; no redirects.
 */
public final class CrlFetcher {

    /** Larger than any CRL a site-to-site CA publishes, small enough to hold in memory. */
    public static final int DEFAULT_MAX_BYTES = 8 << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final int maxBytes;
    private final Duration timeout;
    private final HttpClient http;

    public CrlFetcher(int maxBytes, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static CrlFetcher defaults() {
        return new CrlFetcher(DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT);
    }

    /** Whether {@link #fetch} reads this kind of URL. */
    public static boolean readable(URI url) {
        String scheme = url.getScheme();
        return "file".equals(scheme) || "http".equals(scheme) || "https".equals(scheme);
    }

    /** The CRL's bytes (DER or PEM); an IOException says why not, in words. */
    public byte[] fetch(URI url) throws IOException {
        if (!readable(url)) {
            throw new IOException("only file://, http:// and https:// CRL URLs are read");
        }
        if ("file".equals(url.getScheme())) {
            Path file = Path.of(url);
            if (Files.size(file) > maxBytes) {
                throw new IOException("larger than " + maxBytes + " bytes");
            }
            return Files.readAllBytes(file);
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP status " + response.statusCode());
            }
            if (response.headers().firstValueAsLong("content-length").orElse(0) > maxBytes) {
                throw new IOException("larger than " + maxBytes + " bytes");
            }
            byte[] bytes = body.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException("larger than " + maxBytes + " bytes");
            }
            return bytes;
        }
    }
}
