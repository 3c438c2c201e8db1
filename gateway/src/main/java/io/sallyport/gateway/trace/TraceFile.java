package io.sallyport.gateway.trace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A kmd-style trace file ({@code traceoptions file NAME size S files N}): lines are appended to
 * {@code NAME}; when it would grow past {@code size} bytes it becomes {@code NAME.0}, the older
 * {@code NAME.0} becomes {@code NAME.1} and so on, keeping {@code files} files in all.
 * Not thread-safe: its owner (the daemon's {@code KmdTrace}) serialises every use.
 */
public final class TraceFile implements AutoCloseable {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path file;
    private final long maxBytes;
    private final int files;
    private OutputStream out;
    private long size;

    public TraceFile(Path file, long maxBytes, int files) throws IOException {
        if (maxBytes < 10 * 1024 || files < 2) {
            throw new IllegalArgumentException("trace file needs size >= 10k and files >= 2");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.files = files;
        Files.createDirectories(file.toAbsolutePath().getParent());
        open();
    }

    public Path path() {
        return file;
    }

    /** Writes one line, stamped like a syslog line with the process name. */
    public void write(Instant when, String process, String text) throws IOException {
        byte[] line = (STAMP.format(when) + " " + process + ": " + text + "\n").getBytes(StandardCharsets.UTF_8);
        if (size + line.length > maxBytes && size > 0) {
            rotate();
        }
        out.write(line);
        out.flush();
        size += line.length;
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    private void rotate() throws IOException {
        out.close();
        // files counts the live file too: NAME plus NAME.0 .. NAME.(files-2).
        Files.deleteIfExists(numbered(files - 2));
        for (int i = files - 3; i >= 0; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, numbered(0), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
