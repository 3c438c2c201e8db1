package io.sallyport.cli;

import io.sallyport.config.ConfigDisplay;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.Secrets;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.store.CommitClient;
import io.sallyport.config.store.ConfigDiff;
import io.sallyport.config.store.ConfigStore;
import io.sallyport.config.store.EditingSessions;
import io.sallyport.config.store.EditingSessions.Mode;
import io.sallyport.config.store.EditingSessions.Session;
import io.sallyport.config.store.PrivateMerge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@link ConfigSession} over config's {@link ConfigStore} in a state directory. The store on disk
 * is the one shared candidate: every read re-reads it, and every change is a read-modify-write
 * under the store's lock that refuses to build on a candidate another session has changed
 * meanwhile. A {@code configure private} session edits its own copy instead, merged at commit onto
 * what others committed since it began ({@link PrivateMerge}; a statement both changed refuses it).
 */
public final class StoreSession implements ConfigSession {
    private static final DateTimeFormatter COMMIT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final ConfigStore store;
    private final EditingSessions sessions;
    private final String user;
    private final Clock clock;
    private final RandomGenerator random = new SecureRandom();
    private Optional<Session> self = Optional.empty();
    /** The shared candidate as this session last read it: what its next change builds on. */
    private Node seen;
    /** {@code configure private}: the active configuration it began from, and its own candidate. */
    private Node privateBase;
    private Node privateCandidate;

    private StoreSession(ConfigStore store, EditingSessions sessions, String user, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.sessions = sessions;
        this.user = user;
        this.seen = store.candidate();
    }

    /** Opens (creating if needed) the store under {@code stateDir}; commits are recorded as {@code user} {@code via cli}. */
    public static StoreSession open(Path stateDir, String user) throws IOException {
        return open(stateDir, user, Clock.systemUTC());
    }

    /** {@link #open(Path, String)} with the clock of commit times and {@code commit confirmed} deadlines. */
    public static StoreSession open(Path stateDir, String user, Clock clock) throws IOException {
        return new StoreSession(ConfigStore.open(stateDir, clock), new EditingSessions(stateDir, clock), user, clock);
    }

    private boolean inPrivate() { return self.map(s -> s.mode() == Mode.PRIVATE).orElse(false); }

    @Override
    public Outcome begin(Mode mode) throws IOException {
        end();
        List<Session> others = sessions.list();
        Optional<Session> exclusive = others.stream().filter(s -> s.mode() == Mode.EXCLUSIVE).findFirst();
        refresh();
        boolean modified = !store.candidate().equals(store.active());
        if (mode != Mode.SHARED && exclusive.isPresent()) {
            return new Outcome(false, "error: configuration database locked by:\n" + line(exclusive.get()));
        }
        if (mode == Mode.EXCLUSIVE && modified) {
            return new Outcome(false, "error: configuration database modified\n" + users(others));
        }
        if (mode == Mode.PRIVATE && modified) {
            return new Outcome(false, "error: shared configuration database modified\n" + users(others));
        }
        self = Optional.of(sessions.register(user, mode));
        if (mode == Mode.PRIVATE) {
            privateBase = store.active();
            privateCandidate = privateBase;
        }
        StringBuilder text = new StringBuilder();
        if (mode != Mode.SHARED) text.append("warning: uncommitted changes will be discarded on exit\n");
        text.append("Entering configuration mode\n").append(users(others));
        if (mode == Mode.SHARED && modified) text.append("The configuration has been changed but not committed\n");
        return new Outcome(true, text.toString());
    }

    @Override
    public void end() throws IOException {
        if (self.isEmpty()) return;
        Session s = self.get();
        self = Optional.empty();
        privateBase = null;
        privateCandidate = null;
        if (s.mode() == Mode.EXCLUSIVE) {
            store.locked(() -> {
                if (!store.candidate().equals(store.active())) store.setCandidate(store.active());
                return null;
            });
        }
        sessions.unregister(s);
    }

    @Override
    public void editing(String level) throws IOException {
        if (self.isPresent() && !self.get().level().equals(level)) self = Optional.of(sessions.moved(self.get(), level));
    }

    @Override
    public Mode mode() {
        return self.map(Session::mode).orElse(Mode.SHARED);
    }

    @Override
    public Outcome update() throws IOException {
        if (!inPrivate()) return new Outcome(false, "error: update is only available in configure private mode\n");
        refresh();
        Node active = store.active();
        if (active.equals(privateBase)) return new Outcome(true, "");
        return switch (PrivateMerge.merge(privateBase, privateCandidate, active)) {
            case PrivateMerge.Result.Merged m -> {
                privateCandidate = m.tree();
                privateBase = active;
                yield new Outcome(true, "");
            }
            case PrivateMerge.Result.Conflict c -> new Outcome(false, conflicts(c) + "error: update failed: (configuration database modified)\n");
        };
    }

    /** The statements a private copy and others' commits both changed, in the Junos frame. */
    private static String conflicts(PrivateMerge.Result.Conflict c) {
        StringBuilder text = new StringBuilder("[edit]\n");
        for (String statement : c.statements()) {
            text.append("  '").append(statement).append("'\n").append("    modified by another commit since 'configure private'\n");
        }
        return text.toString();
    }

    @Override
    public Optional<String> lockedBy() throws IOException {
        for (Session s : sessions.list()) {
            if (s.mode() == Mode.EXCLUSIVE && self.map(me -> !me.id().equals(s.id())).orElse(true)) {
                return Optional.of("error: configuration database locked by:\n" + line(s));
            }
        }
        return Optional.empty();
    }

    @Override
    public Node candidate() {
        if (inPrivate()) return privateCandidate;
        refresh();
        seen = store.candidate();
        return seen;
    }

    @Override
    public Node active() {
        refresh();
        return store.active();
    }

    @Override
    public void updateCandidate(Node candidate) throws IOException {
        if (inPrivate()) {
            privateCandidate = Secrets.encode(candidate, List.of(privateCandidate, store.active()), random);
            return;
        }
        store.locked(() -> {
            if (!store.candidate().equals(seen)) {
                throw new IOException("another session changed the candidate while this command ran; nothing was changed, "
                        + "enter the command again");
            }
            store.setCandidate(candidate);
            seen = store.candidate();
            return null;
        });
    }

    @Override
    public Outcome check() {
        CheckResult r = locked(() -> {
            CheckResult result = inPrivate() ? CommitCheck.check(privateCandidate) : store.check();
            if (result.succeeded()) store.confirm();
            return result;
        });
        return r.succeeded() ? new Outcome(true, warnings(r)) : new Outcome(false, r.render());
    }

    @Override
    public Outcome commit(Optional<String> comment, Optional<Duration> confirmWithin) throws IOException {
        return store.locked(() -> {
            Node before = store.active();
            Outcome o = inPrivate() ? commitPrivate(comment) : commitShared(comment);
            if (o.ok()) {
                store.confirm();
                if (confirmWithin.isPresent()) store.confirmWithin(confirmWithin.get(), before);
            }
            return o;
        });
    }

    private Outcome commitShared(Optional<String> comment) throws IOException {
        ConfigStore.CommitOutcome o = store.commit(user, CommitClient.CLI, comment);
        seen = store.candidate();
        return o.committed() ? new Outcome(true, warnings(o.check())) : new Outcome(false, o.check().render());
    }

    /**
     * A private session's commit: its changes are merged onto what others committed since it began;
     * a statement both changed is a conflict and refuses the commit (it would silently undo theirs).
     */
    private Outcome commitPrivate(Optional<String> comment) throws IOException {
        Node tree = privateCandidate;
        if (!store.active().equals(privateBase)) {
            switch (PrivateMerge.merge(privateBase, privateCandidate, store.active())) {
                case PrivateMerge.Result.Merged m -> tree = m.tree();
                case PrivateMerge.Result.Conflict c -> {
                    return new Outcome(false, conflicts(c) + "error: commit failed: (configuration database modified)\n");
                }
            }
        }
        ConfigStore.CommitOutcome o = store.commit(tree, user, CommitClient.CLI, comment);
        if (!o.committed()) return new Outcome(false, o.check().render());
        privateBase = store.active();
        privateCandidate = privateBase;
        seen = store.candidate();
        return new Outcome(true, warnings(o.check()));
    }

    @Override
    public Outcome rollback(int n) throws IOException {
        try {
            if (inPrivate()) {
                privateCandidate = store.rollbackConfiguration(n);
                return new Outcome(true, "");
            }
            store.locked(() -> store.rollback(n));
            seen = store.candidate();
            return new Outcome(true, "");
        } catch (IllegalArgumentException e) {
            return new Outcome(false, "error: " + e.getMessage() + "\n");
        }
    }

    @Override
    public Node committed(int n) throws IOException {
        return store.rollbackConfiguration(n);
    }

    @Override
    public String status() throws IOException {
        return users(sessions.list());
    }

    @Override
    public Optional<Duration> confirmRemaining() throws IOException {
        return store.pendingConfirm().map(deadline -> Duration.between(clock.instant(), deadline));
    }

    @Override
    public String compare(List<PathElement> level) {
        Node candidate = candidate();
        return ConfigDiff.diff(pruneTo(active(), level), pruneTo(candidate, level));
    }

    @Override
    public String render(Node tree, List<PathElement> level, Pipeline.Display display) {
        return switch (display) {
            case SET -> ConfigPrinter.setCommands(tree, level);
            case XML -> ConfigDisplay.xml(pruneTo(tree, level));
            case JSON -> ConfigDisplay.json(pruneTo(tree, level));
        };
    }

    @Override
    public String braces(Node tree, List<PathElement> level) {
        Optional<Node> node = tree.at(level);
        return node.map(n -> ConfigPrinter.braces(n, Schema.nodeAt(level).orElseThrow())).orElse("");
    }

    @Override
    public String history() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ConfigStore.CommitInfo c : store.history()) {
            sb.append(String.format("%-4d%s by %s via %s%n", c.rollback(), COMMIT_TIME.format(c.time()), c.user(), c.client().keyword()));
            c.comment().ifPresent(text -> sb.append("    ").append(text).append('\n'));
        }
        return sb.toString();
    }

    @Override
    public List<HelpLine> rollbackChoices() throws IOException {
        return store.history().stream().map(c -> new HelpLine(String.valueOf(c.rollback()),
                COMMIT_TIME.format(c.time()) + " by " + c.user() + " via " + c.client().keyword())).toList();
    }

    @Override
    public Optional<String> lastCommit() throws IOException {
        return store.history().stream().filter(c -> c.rollback() == 0).findFirst()
                .map(c -> "## Last commit: " + COMMIT_TIME.format(c.time()) + " by " + c.user());
    }

    private void refresh() {
        try {
            store.refresh();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T locked(ConfigStore.LockedWork<T> work) {
        try {
            return store.locked(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Users currently editing the configuration:} and one line per session, or nothing. */
    private static String users(List<Session> others) {
        if (others.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("Users currently editing the configuration:\n");
        others.forEach(s -> sb.append(line(s)));
        return sb.toString();
    }

    private static String line(Session s) {
        String mode = switch (s.mode()) {
            case SHARED -> "";
            case EXCLUSIVE -> " exclusive";
            case PRIVATE -> " private";
        };
        return "  " + s.user() + " terminal cli (pid " + s.pid() + ") on since " + COMMIT_TIME.format(s.since()) + mode + "\n"
                + "      " + s.level() + "\n";
    }

    /**
     * The tree reduced to the path leading to {@code level} and everything below it (empty when
     * the level holds nothing), so that diffs and displays at an edit level keep their full paths
     * the way Junos prints them.
     */
    static Node pruneTo(Node root, List<PathElement> level) {
        return prune(root, level).orElse(Node.root());
    }

    private static Optional<Node> prune(Node node, List<PathElement> level) {
        if (level.isEmpty()) return Optional.of(node);
        PathElement e = level.getFirst();
        return node.child(e.name(), e.key())
                .flatMap(c -> prune(c, level.subList(1, level.size())))
                .map(c -> node.withChildren(List.of(c)));
    }

    /** Warnings in the Junos frame, printed before {@code commit complete}. */
    private static String warnings(CheckResult r) {
        StringBuilder sb = new StringBuilder();
        r.warnings().forEach(d -> sb.append(d.format()));
        return sb.toString();
    }
}
