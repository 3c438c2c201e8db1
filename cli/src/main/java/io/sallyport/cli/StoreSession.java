package io.sallyport.cli;

import io.sallyport.config.ConfigDisplay;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.store.ConfigDiff;
import io.sallyport.config.store.ConfigStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** {@link ConfigSession} over config's {@link ConfigStore} in a state directory. */
public final class StoreSession implements ConfigSession {
    private static final DateTimeFormatter COMMIT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final ConfigStore store;
    private final String user;

    private StoreSession(ConfigStore store, String user) {
        this.store = store;
        this.user = user;
    }

    /** Opens (creating if needed) the store under {@code stateDir}; commits are recorded as {@code user}. */
    public static StoreSession open(Path stateDir, String user) throws IOException {
        return new StoreSession(ConfigStore.open(stateDir, Clock.systemUTC()), user);
    }

    @Override
    public Node candidate() { return store.candidate(); }

    @Override
    public Node active() { return store.active(); }

    @Override
    public void updateCandidate(Node candidate) throws IOException { store.setCandidate(candidate); }

    @Override
    public Outcome check() {
        CheckResult r = store.check();
        return r.succeeded() ? new Outcome(true, warnings(r)) : new Outcome(false, r.render());
    }

    @Override
    public Outcome commit(Optional<String> comment) throws IOException {
        ConfigStore.CommitOutcome o = store.commit(user, comment);
        return o.committed() ? new Outcome(true, warnings(o.check())) : new Outcome(false, o.check().render());
    }

    @Override
    public Outcome rollback(int n) throws IOException {
        try {
            store.rollback(n);
            return new Outcome(true, "");
        } catch (IllegalArgumentException e) {
            return new Outcome(false, "error: " + e.getMessage() + "\n");
        }
    }

    @Override
    public String compare(List<PathElement> level) {
        return ConfigDiff.diff(pruneTo(store.active(), level), pruneTo(store.candidate(), level));
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
            sb.append(String.format("%-4d%s by %s via cli%n", c.rollback(), COMMIT_TIME.format(c.time()), c.user()));
            c.comment().ifPresent(text -> sb.append("    ").append(text).append('\n'));
        }
        return sb.toString();
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
