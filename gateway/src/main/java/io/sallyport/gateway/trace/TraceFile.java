package io.sallyport.gateway.trace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * A kmd-style trace file ({@code traceoptions file NAME size S files N}): lines are appended to
 * {@code NAME}; when it would grow past {@code size} bytes it becomes {@code NAME.0}, the older
 * {@code NAME.0} becomes {@code NAME.1} and so on, keeping {@code files} files in all.
 * Files are created owner-only (0600); with {@code world-readable} they are then opened up to 0644
 * (after creation, so a umask of 077 cannot narrow them). A name is a file in the log directory,
 * never a path: {@link #in} refuses {@code /}, {@code .} and {@code ..}.
 * Not thread-safe: its owner (the daemon's {@code KmdTrace}) serialises every use.
 */
public final class TraceFile implements AutoCloseable {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path file;
    private final long maxBytes;
    private final int files;
    private final Set<PosixFilePermission> mode;
    private OutputStream out;
    private long size;

    /** An owner-only trace file. */
    public TraceFile(Path file, long maxBytes, int files) throws IOException {
        this(file, maxBytes, files, false);
    }

    public TraceFile(Path file, long maxBytes, int files, boolean worldReadable) throws IOException {
        if (maxBytes < 10 * 1024 || files < 2) {
            throw new IllegalArgumentException("trace file needs size >= 10k and files >= 2");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.files = files;
        this.mode = worldReadable ? WORLD_READABLE : OWNER_ONLY;
        Files.createDirectories(file.toAbsolutePath().getParent());
        open();
    }

    /**
     * The trace file {@code name} in {@code logDir}.
     *
     * @throws IllegalArgumentException when the name is a path ({@code /}) or {@code .}/{@code ..},
     *         which would write outside the log directory
     */
    public static TraceFile in(Path logDir, String name, long maxBytes, int files, boolean worldReadable) throws IOException {
        if (!isFileName(name)) {
            throw new IllegalArgumentException("trace file name '" + name + "' is not a file name in " + logDir);
        }
        return new TraceFile(logDir.resolve(name), maxBytes, files, worldReadable);
    }

    /** A plain file name: not empty, no '/', not '.' or '..'. */
    public static boolean isFileName(String name) {
        return !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('\0') < 0 && !name.equals(".") && !name.equals("..");
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
        if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        out = Files.newOutputStream(file, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        if (!Files.getPosixFilePermissions(file).equals(mode)) {
            Files.setPosixFilePermissions(file, mode);
        }
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
