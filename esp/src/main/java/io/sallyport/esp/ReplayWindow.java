package io.sallyport.esp;

/**
 * Anti-replay window (RFC 4303 §3.4.3) kept as an RFC 6479 ring of 64-bit blocks: advancing the
 * window clears whole blocks instead of shifting a bitmap. One block more than the window is kept,
 * so the window slides by whole blocks and always covers at least {@code size} sequence numbers.
 *
 * <p>{@link #check} is read-only and runs before the ICV; {@link #accept} runs only after the ICV
 * verified, so a forged packet can never move the window. Sequence numbers are 64-bit (ESN) or
 * 32-bit values in a long. Owned by one thread.
 */
public final class ReplayWindow {
    /** Result codes of {@link #check}. */
    public static final int OK = 0;
    public static final int REPLAYED = 1;
    public static final int TOO_OLD = 2;

    private final int size;
    private final long[] ring;
    private final int blockMask;
    private long top;

    /** @param size window in bits, 64..4096 */
    public ReplayWindow(final int size) {
        if (size < 64 || size > 4096) {
            throw new IllegalArgumentException("replay window must be 64..4096 bits");
        }
        this.size = size;
        // ceil(size / 64) + 1 blocks, rounded up to a power of two so the ring index is a mask.
        final int needed = (size + 63) / 64 + 1;
        final int blocks = Integer.highestOneBit(needed - 1) << 1;
        this.ring = new long[blocks];
        this.blockMask = blocks - 1;
    }

    public int size() { return size; }

    /** Highest sequence number accepted so far (0 before the first). */
    public long top() { return top; }

    /** RFC 4303 §3.4.3: sequence 0 is never valid; below the window is too old; a set bit is a replay. */
    public int check(final long seq) {
        if (seq == 0) {
            return TOO_OLD;
        }
        if (seq > top) {
            return OK;
        }
        if (top - seq >= size) {
            return TOO_OLD;
        }
        final long block = seq >>> 6;
        return (ring[(int) (block & blockMask)] & (1L << (seq & 63))) != 0 ? REPLAYED : OK;
    }

    /** Marks {@code seq} as received; call only after {@link #check} said OK and the ICV verified. */
    public void accept(final long seq) {
        final long block = seq >>> 6;
        if (seq > top) {
            final long topBlock = top >>> 6;
            final long diff = Math.min(block - topBlock, ring.length);
            for (long i = 1; i <= diff; i++) {
                ring[(int) ((topBlock + i) & blockMask)] = 0;
            }
            top = seq;
        }
        ring[(int) (block & blockMask)] |= 1L << (seq & 63);
    }
}
