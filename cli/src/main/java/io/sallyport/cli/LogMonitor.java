package io.sallyport.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code monitor start FILE} / {@code monitor stop [FILE]} / {@code monitor list}: log files
 * followed as they grow. {@link #poll} returns what was appended since the last poll, each file's
 * lines headed {@code *** FILE ***} as Junos prints them; a file that shrank was rotated and is
 * read again from its start. The shell's thread starts and stops files, the terminal's watcher
 * thread polls, hence the synchronisation (nothing here is on a data path).
 */
final class LogMonitor {
    /** Reading more than this per poll would hold up the terminal; the rest comes with the next poll. */
    private static final int MAX_READ = 1 << 20;

    private final Map<String, Followed> followed = new LinkedHashMap<>();
    /** Whether a terminal polls and prints (only the interactive shell does). */
    private volatile boolean attached;

    private static final class Followed {
        final Path file;
        long offset;
        /** The end of the file after the last complete line: printed once its newline arrives. */
        String partial = "";

        Followed(Path file, long offset) {
            this.file = file;
            this.offset = offset;
        }
    }

    /** A terminal now polls this monitor and prints what it returns. */
    void attach() { attached = true; }

    /** The terminal has gone: nothing is followed any more. */
    synchronized void detach() {
        attached = false;
        followed.clear();
    }

    boolean attached() { return attached; }

    /** Follows {@code file} from its current end (a file that does not exist yet is followed from its creation). */
    synchronized void start(String name, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        followed.putIfAbsent(name, new Followed(file, size));
    }

    /** Stops following {@code name}; false when it was not followed. */
    synchronized boolean stop(String name) {
        return followed.remove(name) != null;
    }

    synchronized void stopAll() {
        followed.clear();
    }

    synchronized boolean isEmpty() {
        return followed.isEmpty();
    }

    /** {@code monitor list}: one line per followed file. */
    synchronized String list() {
        StringBuilder sb = new StringBuilder();
        followed.keySet().forEach(n -> sb.append("monitor start \"").append(n).append("\"\n"));
        return sb.toString();
    }

    /** The complete lines appended to the followed files since the last poll, or "" when none. */
    synchronized String poll() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Followed> e : followed.entrySet()) {
            String lines = read(e.getValue());
            if (!lines.isEmpty()) out.append("*** ").append(e.getKey()).append(" ***\n").append(lines);
        }
        return out.toString();
    }

    private static String read(Followed f) {
        try (FileChannel ch = FileChannel.open(f.file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < f.offset) {  // rotated: the file is a new one
                f.offset = 0;
                f.partial = "";
            }
            int want = (int) Math.min(MAX_READ, size - f.offset);
            if (want <= 0) return "";
            ByteBuffer buf = ByteBuffer.allocate(want);
            while (buf.hasRemaining() && ch.read(buf, f.offset + buf.position()) > 0) {
                // a short read continues at the next position
            }
            f.offset += buf.position();
            String text = f.partial + new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n') + 1;
            f.partial = text.substring(end);
            return text.substring(0, end);
        } catch (NoSuchFileException e) {
            f.offset = 0;
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
