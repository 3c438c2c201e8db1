package io.sallyport.net;

import java.net.InetSocketAddress;

/**
 * Datagrams taken from one port in as few host calls as it allows ({@code recvmmsg} on Linux),
 * then read one by one. Owned by the port's receiving thread; valid until the next
 * {@link #receive}.
 */
public interface ReceiveBatch {

    /** Takes the datagrams waiting now (up to the batch's capacity); returns how many, 0 when none. */
    int receive();

    /**
     * Copies datagram {@code i} of the last {@link #receive} into {@code buf[off, off + maxLen)}
     * (truncated to {@code maxLen}); returns its length, or -1 when it is malformed (counted).
     */
    int copy(int i, byte[] buf, int off, int maxLen);

    /** The source of datagram {@code i} of the last {@link #receive}. */
    InetSocketAddress source(int i);

    /** A batch of one datagram per call, through {@link DatagramPort#receive}: for ports without a batch call. */
    static ReceiveBatch single(final DatagramPort port, final int maxLen) {
        return new ReceiveBatch() {
            private final byte[] held = new byte[maxLen];
            private int length;
            private InetSocketAddress source;

            @Override
            public int receive() {
                length = port.receive(held, 0, held.length);
                if (length < 0) {
                    return 0;
                }
                source = port.lastSource();
                return 1;
            }

            @Override
            public int copy(final int i, final byte[] buf, final int off, final int max) {
                final int n = Math.min(length, max);
                System.arraycopy(held, 0, buf, off, n);
                return n;
            }

            @Override
            public InetSocketAddress source(final int i) {
                return source;
            }
        };
    }
}
