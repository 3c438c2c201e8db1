package io.sallyport.remote.netconf;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6242 message framing on one SSH channel: end-of-message ({@code ]]>]]>}, base:1.0, used
 * for the hellos) until both sides announced base:1.1, then chunked framing ({@code \n#LEN\n}
 * ... {@code \n##\n}). Messages are bounded: a peer cannot make us buffer more than
 * {@link #MAX_MESSAGE} bytes. A message that starts with a chunk header while end-of-message
 * framing is in use is read chunked: no well-formed XML starts with {@code \n#}, and ncclient
 * 0.6.13 (Debian's) sends its hello chunked when its threads interleave so that it switches to
 * base:1.1 before framing the hello; waiting for an {@code ]]>]]>} would hang that session.
 */
final class Framing {
    static final int MAX_MESSAGE = 4 * 1024 * 1024;
    private static final byte[] EOM = "]]>]]>".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final OutputStream out;
    private boolean chunked;

    Framing(InputStream in, OutputStream out) {
        this.in = in.markSupported() ? in : new BufferedInputStream(in);
        this.out = out;
    }

    /** From now on in both directions: chunked framing (base:1.1). */
    void useChunks() { chunked = true; }

    boolean chunked() { return chunked; }

    /** The next message, or null when the peer closed the channel between messages. */
    String read() throws IOException {
        return chunked ? readChunked() : readEndOfMessage();
    }

    void write(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (chunked) {
            out.write(("\n#" + bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\n##\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write(bytes);
            out.write(EOM);
        }
        out.flush();
    }

    private String readEndOfMessage() throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        if (first == '\n' && second == '#') return readChunked();
        byte[] buf = new byte[8192];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0) return null;
                throw new FramingException("the channel closed inside a message");
            }
            if (n == buf.length) {
                if (n >= MAX_MESSAGE + EOM.length) throw new FramingException("message larger than " + MAX_MESSAGE + " bytes");
                buf = java.util.Arrays.copyOf(buf, Math.min(n * 2, MAX_MESSAGE + EOM.length));
            }
            buf[n++] = (byte) b;
            if (n >= EOM.length && java.util.Arrays.equals(buf, n - EOM.length, n, EOM, 0, EOM.length)) {
                return new String(buf, 0, n - EOM.length, StandardCharsets.UTF_8);
            }
        }
    }

    private String readChunked() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int first = in.read();
            if (first < 0 && message.size() == 0) return null;
            if (first != '\n' || in.read() != '#') throw new FramingException("expected a chunk header (\\n#)");
            int c = in.read();
            if (c == '#') {
                if (in.read() != '\n') throw new FramingException("expected \\n after the end-of-chunks marker");
                if (message.size() == 0) throw new FramingException("a message without chunks");
                return message.toString(StandardCharsets.UTF_8);
            }
            long size = 0;
            int digits = 0;
            while (c >= '0' && c <= '9') {
                if (digits == 0 && c == '0') throw new FramingException("chunk size starts with 0");
                size = size * 10 + (c - '0');
                if (++digits > 10) throw new FramingException("chunk size too long");
                c = in.read();
            }
            if (digits == 0 || c != '\n') throw new FramingException("malformed chunk size");
            if (size > 4294967295L) throw new FramingException("chunk size above 4294967295");
            if (message.size() + size > MAX_MESSAGE) throw new FramingException("message larger than " + MAX_MESSAGE + " bytes");
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) throw new FramingException("the channel closed inside a chunk");
            message.write(chunk);
        }
    }

    /** Broken framing: RFC 6242 leaves nothing to do but close the session. */
    static final class FramingException extends IOException {
        FramingException(String message) {
            super(message);
        }
    }
}
