package io.sallyport.packet;

/**
 * The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words.
 *
 * <p>The bulk of a range is summed eight bytes at a time, read little-endian (the machine's order,
 * one plain load): RFC 1071 §2(B), the sum is independent of byte order, so the sum of the
 * byte-swapped words is the byte-swapped sum. Each 64-bit word adds as its two 32-bit halves to a
 * 64-bit accumulator (a 32-bit word hi:lo adds as hi + lo mod 2^16 - 1), which cannot overflow
 * for any array (2^31 bytes add at most 2^30 halves below 2^32 each), so no carry is tracked per word.
 */
public final class Checksum {
    private static final java.lang.invoke.VarHandle LE_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private Checksum() {}

    /** Adds {@code len} bytes at {@code off} to a running 32-bit sum (not yet folded). */
    public static long add(final long sum, final byte[] buf, final int off, final int len) {
        long swapped = 0;
        int i = off;
        final int longs = off + (len & ~7);
        while (i < longs) {
            final long v = (long) LE_LONG.get(buf, i);
            swapped += (v >>> 32) + (v & 0xFFFF_FFFFL);
            i += 8;
        }
        return tail(sum + unswap(swapped), buf, i, off + len);
    }

    /** The sum of byte-swapped words, folded to 16 bits and swapped back. */
    private static long unswap(final long swapped) {
        long s = (swapped & 0xFFFF_FFFFL) + (swapped >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return ((s & 0xFF) << 8) | (s >>> 8);
    }

    /** The last 0-7 bytes {@code buf[from, end)}, big-endian 16-bit words, an odd byte padded with zero. */
    private static long tail(final long sum, final byte[] buf, final int from, final int end) {
        long s = sum;
        int i = from;
        while (i + 1 < end) {
            s += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
            i += 2;
        }
        if (i < end) {
            s += (buf[i] & 0xFF) << 8;
        }
        return s;
    }

    /** Folds a running sum to 16 bits and complements it: the value to store in a header. */
    public static int finish(final long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    /** Checksum of a byte range, ready to store. Over a range that holds a valid checksum it yields 0. */
    public static int compute(final byte[] buf, final int off, final int len) {
        return finish(add(0, buf, off, len));
    }

    /**
     * Incremental update when one 16-bit word changes from {@code oldWord} to {@code newWord}
     * (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
     */
    public static int update(final int checksum, final int oldWord, final int newWord) {
        long s = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    /** Pseudo-header sum for UDP/TCP/ICMPv6 over IPv4 or IPv6 (addresses taken from the IP header). */
    public static long pseudoHeader(final byte[] buf, final int ipOff, final int protocol, final int l4Len) {
        final int version = (buf[ipOff] & 0xF0) >>> 4;
        long s;
        if (version == 4) {
            s = add(0, buf, ipOff + 12, 8);
        } else {
            s = add(0, buf, ipOff + 8, 32);
        }
        return s + protocol + (l4Len & 0xFFFF) + (l4Len >>> 16);
    }

    /**
     * Completes a checksum the sender left partial (Linux CHECKSUM_PARTIAL, virtio-net
     * {@code NEEDS_CSUM}): the field at {@code start + fieldOffset} holds the folded pseudo-header
     * sum; the one's-complement sum of {@code buf[start, end)} including it, complemented, goes there.
     */
    public static void completePartial(final byte[] buf, final int start, final int end, final int fieldOffset) {
        Bytes.put16(buf, start + fieldOffset, finish(add(0, buf, start, end - start)));
    }

    /**
     * The folded (not complemented) pseudo-header sum a partial checksum field starts from: what
     * {@link #completePartial} and a device taking {@code NEEDS_CSUM} packets expect there.
     */
    public static int partialPseudoHeader(final byte[] buf, final int ipOff, final int protocol, final int l4Len) {
        return ~finish(pseudoHeader(buf, ipOff, protocol, l4Len)) & 0xFFFF;
    }
}
