package io.sallyport.config.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash-safe file replacement: write a temporary file in the same directory, fsync it, rename it
 * over the target (atomic on POSIX file systems), then fsync the directory so the rename itself
 * survives a power loss. A reader sees the old file or the new one, never a torn one.
 *
 * <p>Store files hold pre-shared keys: every file and directory is created owner-only (0600/0700)
 * by the creating call itself, so there is no instant at which another local user could open it.
 * Temporary names are unique per process and write ({@code NAME.PID.N.tmp}), so two processes
 * writing the same store never share one.
 */
public final class AtomicFiles {

    static final String TMP_SUFFIX = ".tmp";
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTRIBUTE = PosixFilePermissions.asFileAttribute(FILE_MODE);
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(DIRECTORY_MODE);
    private static final AtomicLong WRITES = new AtomicLong();

    private AtomicFiles() {}

    /**
     * Writes {@code text} to {@code target} owner-only and atomically: a temp file in the same
     * directory, fsynced, renamed over the target, the directory fsynced.
     */
    public static void write(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "." + WRITES.incrementAndGet() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_ATTRIBUTE)) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
    }

    /** Creates {@code dir} and its missing parents owner-only (0700 before the umask). */
    static void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir, DIRECTORY_ATTRIBUTE);
    }

    /** A lock file (owner-only), opened for {@link FileChannel#lock()}. */
    static FileChannel openLockFile(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), FILE_ATTRIBUTE);
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
