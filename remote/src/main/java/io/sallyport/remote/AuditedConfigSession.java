package io.sallyport.remote;

import io.sallyport.cli.ConfigSession;
import io.sallyport.cli.HelpLine;
import io.sallyport.cli.Pipeline;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Secrets;
import io.sallyport.config.store.EditingSessions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A remote user's view of the store: the same store, with every commit written to the audit log,
 * and the configuration's secrets shown {@code /* SECRET-DATA *}{@code /} to a class without the
 * {@code secret} permission ({@link LoginClass#seesSecrets}).
 */
final class AuditedConfigSession implements ConfigSession {
    private final ConfigSession store;
    private final RemoteUser user;

    AuditedConfigSession(ConfigSession store, RemoteUser user) {
        this.store = store;
        this.user = user;
    }

    @Override public Outcome begin(EditingSessions.Mode mode) throws IOException { return store.begin(mode); }

    @Override public void end() throws IOException { store.end(); }

    @Override public EditingSessions.Mode mode() { return store.mode(); }

    @Override public void editing(String level) throws IOException { store.editing(level); }

    @Override public Outcome update() throws IOException { return store.update(); }

    @Override public Optional<String> lockedBy() throws IOException { return store.lockedBy(); }

    @Override public Node candidate() { return shown(store.candidate()); }

    @Override public Node active() { return shown(store.active()); }

    private Node shown(Node tree) {
        return user.loginClass().seesSecrets() ? tree : Secrets.masked(tree);
    }

    @Override public void updateCandidate(Node candidate) throws IOException { store.updateCandidate(candidate); }

    @Override public Outcome check() { return store.check(); }

    @Override
    public Outcome commit(Optional<String> comment, Optional<Duration> confirmWithin) throws IOException {
        Outcome o = store.commit(comment, confirmWithin);
        Audit.commit(user.name(), user.source(), o.ok(), user.service() + comment.map(c -> ", comment \"" + c + "\"").orElse("")
                + confirmWithin.map(d -> ", confirmed within " + d.toMinutes() + " minutes").orElse(""));
        return o;
    }

    @Override public Optional<Duration> confirmRemaining() throws IOException { return store.confirmRemaining(); }

    @Override public String history() throws IOException { return store.history(); }

    @Override public Optional<String> lastCommit() throws IOException { return store.lastCommit(); }

    @Override public List<HelpLine> rollbackChoices() throws IOException { return store.rollbackChoices(); }

    @Override public Node committed(int n) throws IOException { return shown(store.committed(n)); }

    @Override public String status() throws IOException { return store.status(); }

    @Override public Outcome rollback(int n) throws IOException { return store.rollback(n); }

    @Override public String compare(List<PathElement> level) { return store.compare(level); }

    @Override public String render(Node tree, List<PathElement> level, Pipeline.Display display) {
        return store.render(tree, level, display);
    }

    @Override public String braces(Node tree, List<PathElement> level) { return store.braces(tree, level); }
}
