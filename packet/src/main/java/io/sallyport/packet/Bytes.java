package io.sallyport.packet;

/** Big-endian reads and writes on byte arrays; the only byte-order code the views use. */
public final class Bytes {
    private Bytes() {}

    public static int u8(final byte[] b, final int off) { return b[off] & 0xFF; }

    public static int u16(final byte[] b, final int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    public static int i32(final byte[] b, final int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    public static long u32(final byte[] b, final int off) { return i32(b, off) & 0xFFFF_FFFFL; }

    public static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put32(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static void put64(final byte[] b, final int off, final long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }
}
