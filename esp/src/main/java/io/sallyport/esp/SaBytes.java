package io.sallyport.esp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The inner bytes one SA carried, counted as its tunnel's encrypted or decrypted bytes are, for a
 * kilobyte lifetime (RFC 2407 §4.5). One writer, the worker that owns the SA's path; the control
 * agent reads it directly, not through a published copy as {@link EspCounters} are read, so both
 * sides use opaque access: the reader sees every write eventually and never a torn long (the JLS
 * promises neither for a plain long shared between threads), and the writer's store stays a plain
 * store on the data path (no fence, no lock).
 */
public final class SaBytes {
    private static final VarHandle BYTES;

    static {
        try {
            BYTES = MethodHandles.lookup().findVarHandle(SaBytes.class, "bytes", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Written only by the owning worker, always through {@link #BYTES}. */
    @SuppressWarnings("unused")
    private long bytes;

    /** The owning worker: its own last value, plus {@code n}. */
    void add(final int n) {
        BYTES.setOpaque(this, (long) BYTES.getOpaque(this) + n);
    }

    /** Any thread. */
    public long get() {
        return (long) BYTES.getOpaque(this);
    }
}
