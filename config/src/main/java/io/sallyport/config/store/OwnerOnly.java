package io.sallyport.config.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Brings a store made by an older version (files 0644 with keys in them, commits directory 0755) to
 * owner-only modes. New files never need it: {@link AtomicFiles} creates them owner-only. Only the
 * owner may change a mode, so a store owned by someone else (a shell reading root's store) is left
 * as it is.
 */
final class OwnerOnly {

    private OwnerOnly() {}

    /**
     * Makes the store files in {@code dir} owner-only, and {@code dir} itself when
     * {@code directoryToo}. The state directory's own mode is left alone: an operator may point
     * {@code --state-dir} at a directory that is not the store's alone, and the files hold the keys.
     */
    static void tighten(Path dir, boolean directoryToo) throws IOException {
        String me = System.getProperty("user.name");
        if (directoryToo && Files.getOwner(dir).getName().equals(me)
                && !Files.getPosixFilePermissions(dir).equals(AtomicFiles.DIRECTORY_MODE)) {
            Files.setPosixFilePermissions(dir, AtomicFiles.DIRECTORY_MODE);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.conf")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p) && Files.getOwner(p).getName().equals(me)
                        && !Files.getPosixFilePermissions(p).equals(AtomicFiles.FILE_MODE)) {
                    Files.setPosixFilePermissions(p, AtomicFiles.FILE_MODE);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
