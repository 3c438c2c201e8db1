package io.sallyport.ike.message;

import java.util.Arrays;

/** Big-endian helpers and a small growable byte buffer for encoding. */
public final class Bytes {

    private byte[] buf = new byte[256];
    private int len;

    public Bytes u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public Bytes u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public Bytes u32(long v) {
        ensure(4);
        put32(buf, len, (int) v);
        len += 4;
        return this;
    }

    public Bytes bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    public int length() { return len; }

    /** Overwrites a 16-bit value already written (payload length fields). */
    public void set16(int at, int v) {
        buf[at] = (byte) (v >> 8);
        buf[at + 1] = (byte) v;
    }

    public void set8(int at, int v) { buf[at] = (byte) v; }

    public byte[] toArray() { return Arrays.copyOf(buf, len); }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    public static int u16(byte[] b, int off) { return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff); }

    public static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    public static long u64(byte[] b, int off) { return (u32(b, off) << 32) | u32(b, off + 4); }

    public static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }

    public static byte[] of64(long v) {
        byte[] b = new byte[8];
        put64(b, 0, v);
        return b;
    }

    public static byte[] of32(int v) {
        byte[] b = new byte[4];
        put32(b, 0, v);
        return b;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
