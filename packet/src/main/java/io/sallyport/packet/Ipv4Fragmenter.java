package io.sallyport.packet;

/**
 * IPv4 fragmentation (RFC 791 §3.2, RFC 815 terms). Fragment {@code i} of a datagram carries
 * payload bytes {@code [i*step, min((i+1)*step, payload))}, where {@code step} is the largest
 * multiple of 8 that fits the MTU after the header. The first fragment keeps every option; later
 * ones keep only options whose "copied" flag is set.
 */
public final class Ipv4Fragmenter {
    private Ipv4Fragmenter() {}

    /** Payload bytes per fragment for this header length and MTU, or 0 if the MTU cannot carry 8 bytes. */
    public static int step(final int headerLength, final int mtu) {
        return Math.max(0, ((mtu - headerLength) / 8) * 8);
    }

    /** Number of fragments needed for the datagram at {@code off} (already validated). */
    public static int count(final byte[] b, final int off, final int mtu) {
        final int hl = (b[off] & 0x0F) * 4;
        final int payload = Bytes.u16(b, off + 2) - hl;
        final int step = step(hl, mtu);
        return step == 0 ? 0 : (payload + step - 1) / step;
    }

    /**
     * Writes fragment {@code index} into {@code out} at {@code outOff} and returns its length. The
     * original may itself be a fragment: offsets and MF are carried over (RFC 791 refragmentation).
     */
    public static int write(final byte[] b, final int off, final int mtu, final int index,
                            final byte[] out, final int outOff) {
        final int hl = (b[off] & 0x0F) * 4;
        final int payload = Bytes.u16(b, off + 2) - hl;
        final int step = step(hl, mtu);
        final int start = index * step;
        final int chunk = Math.min(step, payload - start);
        final int word = Bytes.u16(b, off + 6);
        final boolean last = start + chunk >= payload;
        int outHl;
        if (index == 0) {
            System.arraycopy(b, off, out, outOff, hl);
            outHl = hl;
        } else {
            System.arraycopy(b, off, out, outOff, Ipv4View.MIN_HEADER);
            outHl = Ipv4View.MIN_HEADER + copyOptions(b, off + Ipv4View.MIN_HEADER, hl - Ipv4View.MIN_HEADER,
                    out, outOff + Ipv4View.MIN_HEADER);
            out[outOff] = (byte) (0x40 | (outHl / 4));
        }
        System.arraycopy(b, off + hl + start, out, outOff + outHl, chunk);
        final int baseUnits = word & 0x1FFF;
        final int mf = (!last || (word & Ipv4View.FLAG_MF) != 0) ? Ipv4View.FLAG_MF : 0;
        Bytes.put16(out, outOff + 6, (word & Ipv4View.FLAG_DF) | mf | (baseUnits + start / 8));
        Bytes.put16(out, outOff + 2, outHl + chunk);
        Bytes.put16(out, outOff + 10, 0);
        Bytes.put16(out, outOff + 10, Checksum.compute(out, outOff, outHl));
        return outHl + chunk;
    }

    /** Copies options with the copied flag (0x80), pads to a 4-byte multiple with EOL; returns bytes written. */
    private static int copyOptions(final byte[] b, final int off, final int len, final byte[] out, final int outOff) {
        int i = 0;
        int w = 0;
        while (i < len) {
            final int type = b[off + i] & 0xFF;
            if (type == 0) {
                break;
            }
            if (type == 1) {
                i++;
                continue;
            }
            if (i + 1 >= len) {
                break;
            }
            final int optLen = b[off + i + 1] & 0xFF;
            if (optLen < 2 || i + optLen > len) {
                break;
            }
            if ((type & 0x80) != 0) {
                System.arraycopy(b, off + i, out, outOff + w, optLen);
                w += optLen;
            }
            i += optLen;
        }
        while ((w & 3) != 0) {
            out[outOff + w++] = 0;
        }
        return w;
    }
}
