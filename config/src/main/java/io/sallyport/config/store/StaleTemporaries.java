package io.sallyport.config.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the temporary files of writes that died ({@code NAME.PID.N.tmp} from {@link AtomicFiles}).
 * Another process may be writing to the same store right now, so a temporary file is removed only
 * when it is ours to judge (owned by this process's user) and stale: its writer's PID is gone, or
 * it is older than {@link #MAX_AGE} (a write takes milliseconds; an hour-old one is abandoned even
 * if its PID has since been reused).
 */
final class StaleTemporaries {

    static final Duration MAX_AGE = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile(".+\\.conf\\.(\\d{1,10})(\\.\\d+)?" + Pattern.quote(AtomicFiles.TMP_SUFFIX));

    private StaleTemporaries() {}

    static void remove(Path dir, Clock clock) throws IOException {
        String me = System.getProperty("user.name");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + AtomicFiles.TMP_SUFFIX)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                try {
                    if (!Files.getOwner(p).getName().equals(me)) continue;
                    boolean writerGone = ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true);
                    boolean old = Files.getLastModifiedTime(p).toInstant().plus(MAX_AGE).isBefore(clock.instant());
                    if (writerGone || old) Files.deleteIfExists(p);
                } catch (NoSuchFileException renamedMeanwhile) {
                    // its writer finished the write: nothing to remove
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
