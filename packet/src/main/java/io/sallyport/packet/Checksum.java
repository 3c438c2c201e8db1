package io.sallyport.packet;

/** The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words. */
public final class Checksum {
    private static final java.lang.invoke.VarHandle BE_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /** Adds {@code len} bytes at {@code off} to a running 32-bit sum (not yet folded). */
    public static long add(final long sum, final byte[] buf, final int off, final int len) {
        long s = sum;
        int i = off;
        // 32-bit words first: in one's-complement arithmetic (mod 2^16 - 1) a word hi:lo adds as hi + lo.
        final int words = off + (len & ~3);
        while (i < words) {
            s += (int) BE_INT.get(buf, i) & 0xFFFF_FFFFL;
            i += 4;
        }
        final int end = off + (len & ~1);
        while (i < end) {
            s += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
            i += 2;
        }
        if ((len & 1) != 0) {
            s += (buf[end] & 0xFF) << 8;
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
