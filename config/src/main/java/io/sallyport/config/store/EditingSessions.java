package io.sallyport.config.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is in configuration mode on this state directory ({@code Users currently editing the
 * configuration:}): one owner-only file per session under {@code STATE/sessions}, named
 * {@code PID-N}. A session whose process is gone is stale and removed when the list is read.
 * {@code configure exclusive} is a session of mode {@link Mode#EXCLUSIVE}; while it lives, other
 * sessions may look but not change the candidate or commit.
 */
public final class EditingSessions {

    /** How a session entered configuration mode. */
    public enum Mode { SHARED, EXCLUSIVE, PRIVATE }

    /** One editing session; {@code level} is where it edits, as its banner says ({@code [edit services]}). */
    public record Session(String id, String user, long pid, Instant since, Mode mode, String level) {}

    /** Where a session starts. */
    public static final String TOP = "[edit]";

    private static final AtomicLong SESSIONS = new AtomicLong();

    private final Path dir;
    private final Clock clock;

    public EditingSessions(Path stateDir, Clock clock) throws IOException {
        this.dir = stateDir.resolve("sessions");
        this.clock = clock;
        AtomicFiles.createDirectories(dir);
    }

    /** Records a new session of {@code user} in this process. */
    public Session register(String user, Mode mode) throws IOException {
        long pid = ProcessHandle.current().pid();
        Session s = new Session(pid + "-" + SESSIONS.incrementAndGet(), user.replace('\n', ' '), pid, clock.instant(), mode, TOP);
        write(s);
        return s;
    }

    /** {@code s} now editing at {@code level} (its {@code [edit ...]} banner), as others' users lists show it. */
    public Session moved(Session s, String level) throws IOException {
        Session moved = new Session(s.id(), s.user(), s.pid(), s.since(), s.mode(), level.replace('\n', ' '));
        write(moved);
        return moved;
    }

    private void write(Session s) throws IOException {
        AtomicFiles.write(dir.resolve(s.id()), s.user() + "\n" + s.mode() + "\n" + s.since().getEpochSecond() + "\n" + s.level() + "\n");
    }

    public void unregister(Session s) throws IOException {
        Files.deleteIfExists(dir.resolve(s.id()));
    }

    /** The live sessions, oldest first; stale files (their process is gone) are removed. */
    public List<Session> list() throws IOException {
        List<Session> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String id = p.getFileName().toString();
                if (!id.matches("\\d{1,10}-\\d+")) continue;
                long pid = Long.parseLong(id.substring(0, id.indexOf('-')));
                if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                    Files.deleteIfExists(p);
                    continue;
                }
                read(p, id, pid).ifPresent(out::add);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.sort(Comparator.comparing(Session::since).thenComparing(Session::id));
        return out;
    }

    /** The live sessions other than {@code self}. */
    public List<Session> others(Session self) throws IOException {
        return list().stream().filter(s -> !s.id().equals(self.id())).toList();
    }

    private static Optional<Session> read(Path p, String id, long pid) throws IOException {
        try {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            if (lines.size() < 3) return Optional.empty();
            return Optional.of(new Session(id, lines.get(0), pid, Instant.ofEpochSecond(Long.parseLong(lines.get(2))),
                    Mode.valueOf(lines.get(1)), lines.size() > 3 ? lines.get(3) : TOP));
        } catch (NoSuchFileException | IllegalArgumentException gone) {
            return Optional.empty();
        }
    }
}
