package io.sallyport.net.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one netlink message: {@code struct nlmsghdr}, the request's fixed header, then
 * attributes ({@code struct nlattr}: length, type, value padded to 4 bytes). Integers are in the
 * host's byte order, as netlink wants; addresses are passed as their network-order bytes.
 */
final class NetlinkMessageWriter {

    private static final int ALIGN = 4;

    private final ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());

    NetlinkMessageWriter(final int type, final int flags, final int sequence) {
        buffer.putInt(0); // nlmsg_len, set by finish()
        buffer.putShort((short) type);
        buffer.putShort((short) flags);
        buffer.putInt(sequence);
        buffer.putInt(0); // nlmsg_pid: the kernel
    }

    NetlinkMessageWriter u8(final int value) {
        buffer.put((byte) value);
        return this;
    }

    NetlinkMessageWriter u16(final int value) {
        buffer.putShort((short) value);
        return this;
    }

    NetlinkMessageWriter u32(final int value) {
        buffer.putInt(value);
        return this;
    }

    NetlinkMessageWriter attribute(final int type, final byte[] value) {
        buffer.putShort((short) (4 + value.length));
        buffer.putShort((short) type);
        buffer.put(value);
        pad();
        return this;
    }

    NetlinkMessageWriter attributeU32(final int type, final int value) {
        buffer.putShort((short) 8);
        buffer.putShort((short) type);
        buffer.putInt(value);
        return this;
    }

    /** A NUL-terminated string attribute, such as a device name. */
    NetlinkMessageWriter attributeString(final int type, final String value) {
        final byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        return attribute(type, Arrays.copyOf(text, text.length + 1));
    }

    byte[] finish() {
        buffer.putInt(0, buffer.position());
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private void pad() {
        while (buffer.position() % ALIGN != 0) {
            buffer.put((byte) 0);
        }
    }
}
