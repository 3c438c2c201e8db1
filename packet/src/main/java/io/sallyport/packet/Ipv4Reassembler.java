package io.sallyport.packet;

import java.util.Arrays;

/**
 * Bounded IPv4 reassembly (RFC 791 §3.2, RFC 815). At most {@code maxDatagrams} datagrams are in
 * progress; a new one evicts the oldest. Each expires {@code timeoutNanos} after its first
 * fragment, measured on the caller's clock. Overlapping fragments discard the whole datagram
 * (the RFC 5722 rule, applied to IPv4 as well: overlaps are only ever an attack or a bug).
 *
 * <p>Owned by one thread. Buffers are allocated on first use of a slot and reused after.
 */
public final class Ipv4Reassembler {
    public static final int MAX_DATAGRAM = 65_535;
    private static final int BLOCKS = MAX_DATAGRAM / 8 + 1;

    /** Outcome of {@link #offer}: negative codes are drops, {@link #HELD} means waiting for more. */
    public static final int HELD = 0;
    public static final int MALFORMED = -1;
    public static final int OVERLAP = -2;
    public static final int TOO_BIG = -3;

    private final int maxDatagrams;
    private final long timeoutNanos;
    private final Slot[] slots;
    private long timeouts;
    private long evictions;
    private long overlaps;
    private long malformed;

    private static final class Slot {
        boolean used;
        int src;
        int dst;
        int id;
        int proto;
        long started;
        int headerLength;
        int totalPayload = -1;
        byte[] data;
        final long[] filled = new long[(BLOCKS + 63) / 64];
    }

    public Ipv4Reassembler(final int maxDatagrams, final long timeoutNanos) {
        if (maxDatagrams < 1 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("maxDatagrams >= 1 and timeout > 0 required");
        }
        this.maxDatagrams = maxDatagrams;
        this.timeoutNanos = timeoutNanos;
        this.slots = new Slot[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Offers one fragment (a validated IPv4 packet with MF set or a non-zero offset). When it
     * completes a datagram, the datagram is written to {@code out} at {@code outOff} and its
     * length returned; otherwise {@link #HELD} or a negative drop code.
     */
    public int offer(final byte[] b, final int off, final int len, final long now, final byte[] out, final int outOff) {
        expire(now);
        if (len < Ipv4View.MIN_HEADER) {
            malformed++;
            return MALFORMED;
        }
        final int hl = (b[off] & 0x0F) * 4;
        final int total = Bytes.u16(b, off + 2);
        if ((b[off] & 0xF0) != 0x40 || hl < Ipv4View.MIN_HEADER || total < hl || total > len) {
            malformed++;
            return MALFORMED;
        }
        final int word = Bytes.u16(b, off + 6);
        final int fragOff = (word & 0x1FFF) * 8;
        final boolean more = (word & Ipv4View.FLAG_MF) != 0;
        final int chunk = total - hl;
        if (more && (chunk == 0 || (chunk & 7) != 0)) {
            malformed++;
            return MALFORMED;
        }
        if (fragOff + chunk + Ipv4View.MIN_HEADER > MAX_DATAGRAM) {
            malformed++;
            return TOO_BIG;
        }
        final Slot s = find(b, off, now);
        if (fragOff == 0) {
            if (s.data == null) {
                s.data = new byte[MAX_DATAGRAM + 60];
            }
            System.arraycopy(b, off, s.data, 0, hl);
            s.headerLength = hl;
        } else if (s.data == null) {
            s.data = new byte[MAX_DATAGRAM + 60];
        }
        if (!more) {
            if (s.totalPayload >= 0 && s.totalPayload != fragOff + chunk) {
                return discard(s);
            }
            s.totalPayload = fragOff + chunk;
        }
        final int firstBlock = fragOff / 8;
        final int lastBlock = (fragOff + chunk + 7) / 8;
        for (int blk = firstBlock; blk < lastBlock; blk++) {
            if ((s.filled[blk >>> 6] & (1L << blk)) != 0) {
                return discard(s);
            }
        }
        if (s.totalPayload >= 0 && fragOff + chunk > s.totalPayload) {
            return discard(s);
        }
        for (int blk = firstBlock; blk < lastBlock; blk++) {
            s.filled[blk >>> 6] |= 1L << blk;
        }
        // Payload is kept at offset 60 (the largest header), the header is copied in at the end.
        System.arraycopy(b, off + hl, s.data, 60 + fragOff, chunk);
        if (s.totalPayload < 0 || s.headerLength == 0 || !complete(s)) {
            return HELD;
        }
        final int outHl = s.headerLength;
        System.arraycopy(s.data, 0, out, outOff, outHl);
        System.arraycopy(s.data, 60, out, outOff + outHl, s.totalPayload);
        Bytes.put16(out, outOff + 2, outHl + s.totalPayload);
        Bytes.put16(out, outOff + 6, Bytes.u16(out, outOff + 6) & Ipv4View.FLAG_DF);
        Bytes.put16(out, outOff + 10, 0);
        Bytes.put16(out, outOff + 10, Checksum.compute(out, outOff, outHl));
        final int length = outHl + s.totalPayload;
        release(s);
        return length;
    }

    /** Drops datagrams whose timer ran out; returns how many. */
    public int expire(final long now) {
        int n = 0;
        for (final Slot s : slots) {
            if (s.used && now - s.started >= timeoutNanos) {
                release(s);
                timeouts++;
                n++;
            }
        }
        return n;
    }

    public int inProgress() {
        int n = 0;
        for (final Slot s : slots) {
            if (s.used) {
                n++;
            }
        }
        return n;
    }

    public long timeouts() { return timeouts; }
    public long evictions() { return evictions; }
    public long overlaps() { return overlaps; }
    public long malformed() { return malformed; }
    public int capacity() { return maxDatagrams; }

    private Slot find(final byte[] b, final int off, final long now) {
        final int src = Bytes.i32(b, off + 12);
        final int dst = Bytes.i32(b, off + 16);
        final int id = Bytes.u16(b, off + 4);
        final int proto = b[off + 9] & 0xFF;
        Slot free = null;
        Slot oldest = null;
        for (final Slot s : slots) {
            if (s.used) {
                if (s.src == src && s.dst == dst && s.id == id && s.proto == proto) {
                    return s;
                }
                if (oldest == null || s.started - oldest.started < 0) {
                    oldest = s;
                }
            } else if (free == null) {
                free = s;
            }
        }
        Slot s = free;
        if (s == null) {
            s = oldest;
            release(s);
            evictions++;
        }
        s.used = true;
        s.src = src;
        s.dst = dst;
        s.id = id;
        s.proto = proto;
        s.started = now;
        return s;
    }

    private boolean complete(final Slot s) {
        final int blocks = (s.totalPayload + 7) / 8;
        for (int blk = 0; blk < blocks; blk++) {
            if ((s.filled[blk >>> 6] & (1L << blk)) == 0) {
                return false;
            }
        }
        return true;
    }

    private int discard(final Slot s) {
        release(s);
        overlaps++;
        return OVERLAP;
    }

    private static void release(final Slot s) {
        s.used = false;
        s.headerLength = 0;
        s.totalPayload = -1;
        Arrays.fill(s.filled, 0L);
    }
}
