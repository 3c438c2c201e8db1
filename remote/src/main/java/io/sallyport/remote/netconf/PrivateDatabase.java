package io.sallyport.remote.netconf;

import io.sallyport.config.Node;
import io.sallyport.config.Secrets;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.store.CommitClient;
import io.sallyport.config.store.ConfigStore;
import io.sallyport.config.store.EditingSessions;
import io.sallyport.config.store.EditingSessions.Mode;
import io.sallyport.config.store.PrivateMerge;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One NETCONF session's private candidate ({@code <open-configuration><private/>}), the CLI's
 * {@code configure private} over NETCONF: a copy of the active configuration taken at open, which
 * loads change and only its session sees; a commit merges its changes onto what others committed
 * since ({@link PrivateMerge}), and a statement both changed refuses it. Registered as a private
 * editing session, so {@code configure} and {@code status} list it; {@link #close} discards it.
 */
final class PrivateDatabase {

    /** What a private commit did. */
    sealed interface Commit {
        /** Committed (the check's warnings to pass on). */
        record Done(CheckResult check) implements Commit {}

        /** The merged configuration failed the commit checks. */
        record Refused(CheckResult check) implements Commit {}

        /** Statements this copy and another commit both changed (set form without values). */
        record Conflict(List<String> statements) implements Commit {}

        /** Another session holds the configuration exclusively ({@code configure exclusive}). */
        record Locked(String holder) implements Commit {}
    }

    private final Path stateDir;
    private final EditingSessions sessions;
    private final EditingSessions.Session self;
    private final RandomGenerator random = new SecureRandom();
    /** The active configuration the copy was taken from (or last merged onto). */
    private Node base;
    private Node candidate;

    private PrivateDatabase(Path stateDir, EditingSessions sessions, EditingSessions.Session self, Node base) {
        this.stateDir = stateDir;
        this.sessions = sessions;
        this.self = self;
        this.base = base;
        this.candidate = base;
    }

    /**
     * Opens a private database for {@code user}, or says in Junos's words why not: another
     * session holds the configuration exclusively, or the shared candidate has uncommitted changes.
     */
    static Result open(Path stateDir, String user) throws IOException {
        EditingSessions sessions = new EditingSessions(stateDir, Clock.systemUTC());
        Optional<EditingSessions.Session> exclusive = sessions.list().stream().filter(s -> s.mode() == Mode.EXCLUSIVE).findFirst();
        if (exclusive.isPresent()) {
            return new Result.Refused("configuration database locked by:\n  " + exclusive.get().user() + " exclusive");
        }
        ConfigStore store = ConfigStore.open(stateDir, Clock.systemUTC());
        if (!store.candidate().equals(store.active())) return new Result.Refused("shared configuration database modified");
        return new Result.Opened(new PrivateDatabase(stateDir, sessions, sessions.register(user, Mode.PRIVATE), store.active()));
    }

    /** {@link #open}'s answer. */
    sealed interface Result {
        record Opened(PrivateDatabase database) implements Result {}

        record Refused(String message) implements Result {}
    }

    Node candidate() { return candidate; }

    /** A load into the copy; its secrets "$9$"-encoded as the store keeps them. */
    void setCandidate(Node tree) throws IOException {
        candidate = Secrets.encode(tree, List.of(candidate, store().active()), random);
    }

    /** {@code discard-changes}: the copy as it was taken. */
    void discard() { candidate = base; }

    CheckResult check() { return CommitCheck.check(candidate); }

    /**
     * Commits the copy, merged onto what others committed since it was taken; with
     * {@code confirmWithin}, as {@code commit confirmed}. Afterwards the copy starts again from
     * the new active configuration.
     */
    Commit commit(String user, Optional<String> comment, Optional<Duration> confirmWithin) throws IOException {
        Optional<EditingSessions.Session> exclusive = sessions.others(self).stream().filter(s -> s.mode() == Mode.EXCLUSIVE).findFirst();
        if (exclusive.isPresent()) return new Commit.Locked(exclusive.get().user() + " exclusive");
        ConfigStore store = store();
        return store.locked(() -> {
            Node active = store.active();
            Node tree = candidate;
            if (!active.equals(base)) {
                switch (PrivateMerge.merge(base, candidate, active)) {
                    case PrivateMerge.Result.Merged m -> tree = m.tree();
                    case PrivateMerge.Result.Conflict c -> {
                        return new Commit.Conflict(c.statements());
                    }
                }
            }
            ConfigStore.CommitOutcome outcome = store.commit(tree, user, CommitClient.NETCONF, comment);
            if (!outcome.committed()) return new Commit.Refused(outcome.check());
            store.confirm();
            if (confirmWithin.isPresent()) store.confirmWithin(confirmWithin.get(), active);
            base = store.active();
            candidate = base;
            return new Commit.Done(outcome.check());
        });
    }

    /** {@code close-configuration} or the session's end: the copy is discarded. */
    void close() throws IOException {
        sessions.unregister(self);
    }

    private ConfigStore store() throws IOException {
        return ConfigStore.open(stateDir, Clock.systemUTC());
    }
}
