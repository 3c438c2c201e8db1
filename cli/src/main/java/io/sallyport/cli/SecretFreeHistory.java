package io.sallyport.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jline.reader.impl.history.DefaultHistory;

/**
 * JLine's history with secrets left out of every line ({@link Shell#historyLine}) before it is
 * kept or written, in a file only its owner can read.
 */
final class SecretFreeHistory extends DefaultHistory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final UnaryOperator<String> filter;

    SecretFreeHistory(UnaryOperator<String> filter) {
        this.filter = filter;
    }

    @Override
    public void add(Instant time, String line) {
        String kept = filter.apply(line);
        if (!kept.isBlank()) super.add(time, kept);
    }

    /**
     * Creates the history file owner-only, or makes an existing one owner-only (a file written by
     * an older version was 0644), before JLine reads or appends to it.
     */
    static void prepareFile(Path file) throws IOException {
        if (Files.notExists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }
}
