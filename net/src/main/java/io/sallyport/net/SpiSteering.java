package io.sallyport.net;

/**
 * Which of {@code n} receivers of one UDP address an ESP-in-UDP datagram belongs to: the one its
 * SPI (the first four bytes of the UDP payload, RFC 3948) picks, {@code SPI mod n} unsigned;
 * IKE (the non-ESP marker, four zero bytes) and anything shorter than four bytes (NAT-T
 * keepalives, 0xFF) to receiver 0. The Linux host's reuseport program computes the same
 * function in the kernel; the gateway places each inbound SA on the worker it names, and the
 * lab's steered ports use it too.
 */
public final class SpiSteering {
    private SpiSteering() {
    }

    /** The receiver, of {@code receivers}, for an ESP packet with this SPI (0 for SPI 0: IKE's marker). */
    public static int receiverOf(final int spi, final int receivers) {
        if (receivers < 1) {
            throw new IllegalArgumentException("receivers must be at least 1: " + receivers);
        }
        return Integer.remainderUnsigned(spi, receivers);
    }

    /** The receiver of the UDP payload {@code buf[off, off + len)}. */
    public static int receiverOf(final byte[] buf, final int off, final int len, final int receivers) {
        if (len < 4) {
            return 0;
        }
        final int spi = (buf[off] & 0xFF) << 24 | (buf[off + 1] & 0xFF) << 16 | (buf[off + 2] & 0xFF) << 8
                | buf[off + 3] & 0xFF;
        return receiverOf(spi, receivers);
    }
}
