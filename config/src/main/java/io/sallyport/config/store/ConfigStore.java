package io.sallyport.config.store;

import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Secrets;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The candidate and active configurations and the commit history, kept under a state directory:
 * <pre>
 *   STATE/candidate.conf        the candidate, rewritten atomically on every change
 *   STATE/commits/NNNNNNNNNN.conf  one file per commit, newest = active = rollback 0
 * </pre>
 * Secrets are kept "$9$"-encoded ({@link Secrets}) in every file and in memory.
 * Every write goes through {@link AtomicFiles}: killing the process at any instant leaves the last
 * committed configuration readable. At most {@value #ROLLBACKS} commits are kept (rollback 0..49).
 * Not thread-safe by design beyond its own monitor: one management session writes at a time.
 */
public final class ConfigStore {

    public static final int ROLLBACKS = 50;
    private static final String COMMIT_HEADER = "## Last commit: ";
    private static final String COMMENT_HEADER = "## Comment: ";
    /**
     * How the commit was made ({@link CommitClient}). Commits stored before this line existed have
     * none and were all made in a shell, so they read as {@code cli}.
     */
    private static final String CLIENT_HEADER = "## Client: ";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** One entry of the commit history (for {@code show system commit}). */
    public record CommitInfo(int rollback, long sequence, Instant time, String user, CommitClient client, Optional<String> comment) {}

    /** What {@link #commit} did: the check result, and whether the candidate became active. */
    public record CommitOutcome(CheckResult check, boolean committed) {}

    private final Path dir;
    private final Path commits;
    private final Clock clock;
    private final RandomGenerator random;
    private Node candidate;
    private Node active;

    private ConfigStore(Path dir, Clock clock, RandomGenerator random) {
        this.dir = dir;
        this.commits = dir.resolve("commits");
        this.clock = clock;
        this.random = random;
    }

    /**
     * Opens (creating if needed, owner-only) the store under {@code stateDir}. Temporary files left
     * by a write that died are removed ({@link StaleTemporaries}); a store made by an older version
     * with wider modes is made owner-only; commits beyond the newest {@value #ROLLBACKS} are pruned.
     *
     * @throws IOException when the directory cannot be used or a stored configuration cannot be read
     */
    public static ConfigStore open(Path stateDir, Clock clock, RandomGenerator random) throws IOException {
        ConfigStore s = new ConfigStore(stateDir, clock, random);
        AtomicFiles.createDirectories(s.commits);
        OwnerOnly.tighten(stateDir, false);
        OwnerOnly.tighten(s.commits, true);
        StaleTemporaries.remove(stateDir, clock);
        StaleTemporaries.remove(s.commits, clock);
        s.prune();
        s.refresh();
        return s;
    }

    /** {@link #open(Path, Clock, RandomGenerator)} with the salts of "$9$" secrets from a SecureRandom. */
    public static ConfigStore open(Path stateDir, Clock clock) throws IOException {
        return open(stateDir, clock, new SecureRandom());
    }

    /** {@link #open(Path, Clock)} with the system clock (commit times in UTC). */
    public static ConfigStore open(Path stateDir) throws IOException {
        return open(stateDir, Clock.systemUTC());
    }

    /** Work done while holding the store's lock. */
    @FunctionalInterface
    public interface LockedWork<T> {
        T run() throws IOException;
    }

    private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    /**
     * Runs {@code work} holding the store's lock, after re-reading the store: several shells (and
     * the daemon) share one state directory, so a read-modify-write of the candidate or a commit
     * must see the others' last writes and exclude them meanwhile. The lock is a file lock on
     * {@code STATE/.lock} between processes and a monitor between threads of one process (file
     * locks are per process).
     */
    public <T> T locked(LockedWork<T> work) throws IOException {
        Object jvmLock = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new Object());
        synchronized (jvmLock) {
            try (FileChannel ch = AtomicFiles.openLockFile(dir.resolve(".lock")); FileLock held = ch.lock()) {
                synchronized (this) {
                    reload();
                    rollBackUnconfirmed();
                    return work.run();
                }
            }
        }
    }

    /**
     * Re-reads the candidate and the active configuration from disk: the store on disk is the
     * shared candidate, which other sessions may have changed since this one last looked.
     */
    public void refresh() throws IOException {
        if (confirmDue()) {
            locked(() -> null);
        } else {
            reload();
        }
    }

    private synchronized void reload() throws IOException {
        List<Path> history = commitFiles();
        active = history.isEmpty() ? Node.root() : read(history.getFirst());
        Path cand = dir.resolve("candidate.conf");
        candidate = Files.exists(cand) ? read(cand) : active;
    }

    // ---- commit confirmed ------------------------------------------------------------------------

    /** The comment of the commit that undoes a {@code commit confirmed} nobody confirmed in time. */
    public static final String AUTOMATIC_ROLLBACK = "automatic rollback: commit confirmed was not confirmed in time";
    private static final String CONFIRM_HEADER = "## Confirm by: ";

    /**
     * {@code commit confirmed N}, after the commit itself: unless {@link #confirm} is called within
     * {@code within}, the configuration active before it is committed again. The deadline and that
     * configuration live in {@code STATE/confirm.conf}, so the rollback happens even when the
     * shell is gone: the daemon's poll or the next use of the store applies it. A second
     * {@code commit confirmed} before the deadline moves the deadline and keeps the original
     * configuration to return to.
     *
     * @param before the configuration active before the commit being confirmed
     */
    public synchronized void confirmWithin(Duration within, Node before) throws IOException {
        Node back = pendingConfirm().isPresent() ? readConfirm().tree() : before;
        AtomicFiles.write(confirmFile(), CONFIRM_HEADER + clock.instant().plus(within).getEpochSecond() + "\n" + ConfigPrinter.braces(back));
    }

    /** {@code commit} or {@code commit check} confirms a pending {@code commit confirmed}; true when one was pending. */
    public synchronized boolean confirm() throws IOException {
        return Files.deleteIfExists(confirmFile());
    }

    /** The deadline of a pending {@code commit confirmed}. */
    public synchronized Optional<Instant> pendingConfirm() throws IOException {
        return Files.exists(confirmFile()) ? Optional.of(readConfirm().deadline()) : Optional.empty();
    }

    private record PendingConfirm(Instant deadline, Node tree) {}

    private Path confirmFile() { return dir.resolve("confirm.conf"); }

    private boolean confirmDue() throws IOException {
        Optional<Instant> deadline = pendingConfirm();
        return deadline.isPresent() && !clock.instant().isBefore(deadline.get());
    }

    private PendingConfirm readConfirm() throws IOException {
        String text = Files.readString(confirmFile(), StandardCharsets.UTF_8);
        int eol = text.indexOf('\n');
        if (!text.startsWith(CONFIRM_HEADER) || eol < 0) throw new IOException(confirmFile() + " cannot be read");
        try {
            return new PendingConfirm(Instant.ofEpochSecond(Long.parseLong(text.substring(CONFIRM_HEADER.length(), eol).strip())),
                    ConfigText.parse(text.substring(eol + 1)));
        } catch (NumberFormatException | ConfigSyntaxException e) {
            throw new IOException(confirmFile() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Under the lock: when a {@code commit confirmed} is past its deadline, commits the configuration it replaced. */
    private void rollBackUnconfirmed() throws IOException {
        if (!confirmDue()) return;
        Node back = readConfirm().tree();
        CheckResult result = CommitCheck.check(back);
        if (candidate.equals(active)) setCandidate(back);
        commitChecked(Secrets.encode(back, List.of(active), random), result, "sallyport", CommitClient.OTHER, Optional.of(AUTOMATIC_ROLLBACK));
        confirm();
    }

    public synchronized Node candidate() { return candidate; }

    public synchronized Node active() { return active; }

    /** Replaces the candidate (after a set/delete/load) and persists it, its secrets "$9$"-encoded. */
    public synchronized void setCandidate(Node tree) throws IOException {
        Node encoded = Secrets.encode(tree, List.of(candidate, active), random);
        AtomicFiles.write(dir.resolve("candidate.conf"), ConfigPrinter.braces(encoded));
        candidate = encoded;
    }

    /** {@code commit check} of the candidate. */
    public synchronized CheckResult check() { return CommitCheck.check(candidate); }

    /**
     * {@code commit}: checks the candidate and, when it passes, makes it active as rollback 0,
     * recorded as made by {@code user} through {@code client}. A store written by an older version
     * keeps secrets in clear: the commit rewrites the candidate and every stored commit with them
     * "$9$"-encoded.
     */
    public synchronized CommitOutcome commit(String user, CommitClient client, Optional<String> comment) throws IOException {
        CheckResult result = CommitCheck.check(candidate);
        if (!result.succeeded()) return new CommitOutcome(result, false);
        if (Secrets.anyClear(candidate)) setCandidate(candidate);
        return commitChecked(candidate, result, user, client, comment);
    }

    /** {@link #commit(String, CommitClient, Optional)} typed in a shell ({@link CommitClient#CLI}). */
    public synchronized CommitOutcome commit(String user, Optional<String> comment) throws IOException {
        return commit(user, CommitClient.CLI, comment);
    }

    /**
     * Commits {@code tree} (a private session's copy) instead of the shared candidate. The shared
     * candidate follows when it held no changes of its own.
     */
    public synchronized CommitOutcome commit(Node tree, String user, CommitClient client, Optional<String> comment) throws IOException {
        CheckResult result = CommitCheck.check(tree);
        if (!result.succeeded()) return new CommitOutcome(result, false);
        Node encoded = Secrets.encode(tree, List.of(active), random);
        if (candidate.equals(active)) setCandidate(encoded);
        return commitChecked(encoded, result, user, client, comment);
    }

    private CommitOutcome commitChecked(Node tree, CheckResult result, String user, CommitClient client, Optional<String> comment)
            throws IOException {
        encodeClearSecretsInHistory();
        List<Path> history = commitFiles();
        long next = history.isEmpty() ? 1 : sequence(history.getFirst()) + 1;
        StringBuilder text = new StringBuilder();
        text.append(COMMIT_HEADER).append(TIME.format(clock.instant())).append(" by ").append(oneLine(user)).append('\n');
        text.append(CLIENT_HEADER).append(client.keyword()).append('\n');
        comment.ifPresent(c -> text.append(COMMENT_HEADER).append(oneLine(c)).append('\n'));
        text.append(ConfigPrinter.braces(tree));
        AtomicFiles.write(commits.resolve(String.format("%010d.conf", next)), text.toString());
        active = tree;
        prune();
        return new CommitOutcome(result, true);
    }

    /**
     * {@code rollback N}: loads commit N (0 = the active configuration) into the candidate; a
     * {@code commit} then makes it active.
     *
     * @throws IllegalArgumentException when N is outside 0..49 or that commit does not exist
     */
    public synchronized Node rollback(int n) throws IOException {
        Node tree = rollbackConfiguration(n);
        setCandidate(tree);
        return tree;
    }

    /** The configuration of commit N without loading it ({@code show system rollback N}). */
    public synchronized Node rollbackConfiguration(int n) throws IOException {
        if (n < 0 || n >= ROLLBACKS) throw new IllegalArgumentException("rollback " + n + " is not within range (0..49)");
        List<Path> history = commitFiles();
        if (n >= history.size()) {
            if (n == 0) return Node.root();
            throw new IllegalArgumentException("Cannot rollback, rollback " + n + " does not exist");
        }
        return read(history.get(n));
    }

    /** {@code show | compare}: candidate against the active configuration. */
    public synchronized String compare() { return ConfigDiff.diff(active, candidate); }

    /** {@code show | compare rollback N}: candidate against commit N. */
    public synchronized String compare(int n) throws IOException {
        return ConfigDiff.diff(rollbackConfiguration(n), candidate);
    }

    /** The commit history, newest first. */
    public synchronized List<CommitInfo> history() throws IOException {
        List<CommitInfo> out = new ArrayList<>();
        List<Path> files = commitFiles();
        for (int i = 0; i < files.size(); i++) out.add(info(i, files.get(i)));
        return out;
    }

    /** The newest commit (rollback 0), reading only its header. */
    public synchronized Optional<CommitInfo> lastCommit() throws IOException {
        List<Path> files = commitFiles();
        return files.isEmpty() ? Optional.empty() : Optional.of(info(0, files.getFirst()));
    }

    private static CommitInfo info(int rollback, Path file) throws IOException {
        Instant time = Instant.EPOCH;
        String user = "";
        CommitClient client = CommitClient.CLI;
        Optional<String> comment = Optional.empty();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(COMMIT_HEADER)) {
                    String rest = line.substring(COMMIT_HEADER.length());
                    int by = rest.indexOf(" by ");
                    time = Instant.from(TIME.parse(rest.substring(0, by)));
                    user = rest.substring(by + 4);
                } else if (line.startsWith(CLIENT_HEADER)) {
                    client = CommitClient.of(line.substring(CLIENT_HEADER.length()).strip()).orElse(CommitClient.OTHER);
                } else if (line.startsWith(COMMENT_HEADER)) {
                    comment = Optional.of(line.substring(COMMENT_HEADER.length()));
                } else {
                    break;
                }
            }
        }
        return new CommitInfo(rollback, sequence(file), time, user, client, comment);
    }

    public Path directory() { return dir; }

    private void encodeClearSecretsInHistory() throws IOException {
        for (Path file : commitFiles()) {
            Node tree = read(file);
            if (!Secrets.anyClear(tree)) continue;
            StringBuilder text = new StringBuilder();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.startsWith(COMMIT_HEADER) && !line.startsWith(CLIENT_HEADER) && !line.startsWith(COMMENT_HEADER)) break;
                text.append(line).append('\n');
            }
            text.append(ConfigPrinter.braces(Secrets.encode(tree, List.of(candidate), random)));
            AtomicFiles.write(file, text.toString());
        }
    }

    private Node read(Path file) throws IOException {
        try {
            return ConfigText.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (ConfigSyntaxException e) {
            throw new IOException("stored configuration " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Commit files, newest first. */
    private List<Path> commitFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(commits, "*.conf")) {
            for (Path p : ds) if (p.getFileName().toString().matches("\\d{10}\\.conf")) out.add(p);
        }
        out.sort(Comparator.comparingLong(ConfigStore::sequence).reversed());
        return out;
    }

    private static long sequence(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    private void prune() throws IOException {
        List<Path> files = commitFiles();
        boolean removed = false;
        for (int i = ROLLBACKS; i < files.size(); i++) {
            Files.deleteIfExists(files.get(i));
            removed = true;
        }
        if (removed) AtomicFiles.syncDirectory(commits);
    }

    private static String oneLine(String s) { return s.replace('\n', ' ').replace('\r', ' '); }
}
