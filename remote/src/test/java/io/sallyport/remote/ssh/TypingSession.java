package io.sallyport.remote.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drives an interactive client process: waits for text to appear on its output (what a person
 * at a terminal watches for), then types a line. Reading blocks on the process, never on a timer;
 * a session that stops answering ends when the process is destroyed by {@link #close()}.
 */
final class TypingSession implements AutoCloseable {
    private final Process process;
    private final InputStream output;
    private final OutputStream input;
    private final StringBuilder seen = new StringBuilder();
    private int consumed;

    TypingSession(Process process) {
        this.process = process;
        this.output = process.getInputStream();
        this.input = process.getOutputStream();
    }

    /** Reads until {@code text} appears after what earlier waits consumed. */
    void await(String text) throws IOException {
        while (true) {
            int at = seen.indexOf(text, consumed);
            if (at >= 0) {
                consumed = at + text.length();
                return;
            }
            byte[] chunk = new byte[4096];
            int n = output.read(chunk);
            if (n < 0) throw new IOException("the session ended before '" + text + "' appeared; it printed:\n" + seen);
            seen.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
        }
    }

    void type(String line) throws IOException {
        input.write((line + "\r").getBytes(StandardCharsets.UTF_8));
        input.flush();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
