package io.sallyport.esp;

/**
 * The inner bytes one SA carried, counted as its tunnel's encrypted or decrypted bytes are, for a
 * kilobyte lifetime (RFC 2407 §4.5). One writer, the worker that owns the SA's path; readers on
 * other threads get a slightly stale value, as with {@link EspCounters} (a long is not torn on a
 * 64-bit JVM).
 */
public final class SaBytes {
    private long bytes;

    void add(final int n) { bytes += n; }

    public long get() { return bytes; }
}
