package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
import io.sallyport.cli.DaemonLink;
import io.sallyport.cli.Pipeline;
import io.sallyport.cli.StoreSession;
import io.sallyport.cli.Words;
import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Secrets;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.Diagnostic;
import io.sallyport.config.store.CommitClient;
import io.sallyport.config.store.ConfigDiff;
import io.sallyport.config.store.ConfigStore;
import io.sallyport.remote.Audit;
import io.sallyport.remote.LoginClass;
import io.sallyport.remote.RemoteUser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * The configuration RPCs, Junos's ({@code get-configuration}, {@code load-configuration},
 * {@code commit-configuration}) and the base protocol's ({@code get-config}, {@code edit-config},
 * {@code commit}, {@code discard-changes}, {@code validate}), over the state directory's store.
 * Each RPC opens the store afresh, so it sees what other sessions committed meanwhile.
 */
final class ConfigurationRpcs {
    private final Path stateDir;
    private final RemoteUser user;
    private final int session;
    private final ConfigLock lock;
    /** {@code <open-configuration><private/>}: this session's own candidate, until closed. */
    private Optional<PrivateDatabase> privateDatabase = Optional.empty();

    ConfigurationRpcs(Path stateDir, RemoteUser user, int session, ConfigLock lock) {
        this.stateDir = stateDir;
        this.user = user;
        this.session = session;
        this.lock = lock;
    }

    /** The configuration as this user may see it: secrets {@code /* SECRET-DATA *}{@code /} without the {@code secret} permission. */
    private Node shown(Node tree) {
        return user.loginClass().seesSecrets() ? tree : Secrets.masked(tree);
    }

    Optional<RpcError> mayWrite() {
        if (user.loginClass() != LoginClass.SUPER_USER) {
            return Optional.of(RpcError.application("access-denied",
                    "permission denied: login class " + user.loginClass().keyword() + " may not change the configuration"));
        }
        return lock.heldByOther(session).map(h -> new RpcError("protocol", "lock-denied", "error", null, null,
                "configuration database locked by:\n  " + h.user() + " (session-id " + h.sessionId() + ")"));
    }

    private ConfigStore store() throws IOException {
        return ConfigStore.open(stateDir, Clock.systemUTC());
    }

    /** The candidate this session edits: its private database's when it opened one, else the shared one. */
    private Node candidate() throws IOException {
        return privateDatabase.isPresent() ? privateDatabase.get().candidate() : store().candidate();
    }

    private void setCandidate(Node tree) throws IOException {
        if (privateDatabase.isPresent()) {
            privateDatabase.get().setCandidate(tree);
        } else {
            store().setCandidate(tree);
        }
    }

    // ---------------------------------------------------------------- private databases

    /**
     * {@code <open-configuration><private/>}: Junos answers with the warning that uncommitted
     * changes will be discarded on exit; refused while another session holds the configuration
     * (exclusively, or the NETCONF lock) or the shared candidate has uncommitted changes.
     */
    RpcReply openPrivate() throws IOException {
        if (privateDatabase.isPresent()) return warnDiscarded();
        Optional<RpcError> refused = mayWrite();
        if (refused.isPresent()) return RpcReply.error(refused.get());
        return switch (PrivateDatabase.open(stateDir, user.name())) {
            case PrivateDatabase.Result.Opened o -> {
                privateDatabase = Optional.of(o.database());
                yield warnDiscarded();
            }
            case PrivateDatabase.Result.Refused r -> RpcReply.error(RpcError.protocol("operation-failed", r.message()));
        };
    }

    private static RpcReply warnDiscarded() {
        return new RpcReply("<ok/>\n", List.of(RpcError.warning(null, null, "uncommitted changes will be discarded on exit")));
    }

    /** Whether this session has a private database open. */
    boolean inPrivate() { return privateDatabase.isPresent(); }

    /** {@code close-configuration} or the session's end: the private database and its uncommitted changes go. */
    void closePrivate() throws IOException {
        if (privateDatabase.isEmpty()) return;
        privateDatabase.get().close();
        privateDatabase = Optional.empty();
    }

    // ---------------------------------------------------------------- reading

    /** Junos {@code get-configuration}: {@code database}, {@code format} and a {@code <configuration>} filter. */
    RpcReply getConfiguration(Element rpc) throws IOException {
        if (rpc.getAttribute("compare").equals("rollback")) return compare(rpc.getAttribute("rollback"));
        String database = rpc.getAttribute("database");
        Node tree = database.equals("candidate") ? candidate() : store().active();
        List<PathElement> level;
        try {
            level = filterLevel(SafeXml.child(rpc, "configuration"));
        } catch (ConfigSyntaxException e) {
            return RpcReply.error(RpcError.application("invalid-value", e.detail()));
        }
        StoreSession display = StoreSession.open(stateDir, user.name());
        String format = rpc.getAttribute("format").isEmpty() ? "xml" : rpc.getAttribute("format");
        return switch (format) {
            case "text" -> RpcReply.of("<configuration-text>\n" + SafeXml.escape(text(display, tree, level)) + "</configuration-text>\n");
            case "set" -> RpcReply.of("<configuration-set>\n"
                    + SafeXml.escape(display.render(shown(tree), level, Pipeline.Display.SET)) + "</configuration-set>\n");
            case "json" -> RpcReply.of(SafeXml.escape(display.render(shown(tree), level, Pipeline.Display.JSON)));
            case "xml" -> RpcReply.of(display.render(shown(tree), level, Pipeline.Display.XML));
            default -> RpcReply.error(RpcError.protocol("bad-attribute", "invalid format '" + format
                    + "': expected text, set, xml or json"));
        };
    }

    /** {@code compare="rollback" rollback="N"}: {@code show | compare rollback N} of the candidate. */
    private RpcReply compare(String rollback) throws IOException {
        int n;
        try {
            n = rollback.isEmpty() ? 0 : Integer.parseInt(rollback);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n >= ConfigStore.ROLLBACKS) {
            return RpcReply.error(RpcError.protocol("bad-attribute", "rollback must be 0.." + (ConfigStore.ROLLBACKS - 1)));
        }
        ConfigStore store = store();
        Node from;
        try {
            from = store.rollbackConfiguration(n);
        } catch (IllegalArgumentException e) {
            return RpcReply.error(RpcError.application("invalid-value", e.getMessage()));
        }
        String diff = ConfigDiff.diff(shown(from), shown(candidate()));
        return RpcReply.of("<configuration-information>\n<configuration-output>\n" + SafeXml.escape(diff)
                + "</configuration-output>\n</configuration-information>\n");
    }

    /**
     * The curly-brace text of {@code level}, wrapped in its ancestors as Junos prints a filtered
     * configuration; masked after the set form is read back, since a mask does not read back.
     */
    private String text(StoreSession display, Node tree, List<PathElement> level) {
        if (level.isEmpty()) return ConfigPrinter.braces(shown(tree));
        try {
            Node pruned = ConfigText.parse(display.render(tree, level, Pipeline.Display.SET));
            return ConfigPrinter.braces(shown(pruned));
        } catch (ConfigSyntaxException e) {
            throw new IllegalStateException("the store printed what it cannot read back: " + e.getMessage(), e);
        }
    }

    private static final DateTimeFormatter COMMIT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * Junos {@code get-commit-information} ({@code show system commit}): one {@code <commit-history>}
     * per stored commit, newest first, with its user, client ({@code cli}, {@code netconf},
     * {@code other}), time and comment ({@code <log>}).
     */
    RpcReply commitInformation() throws IOException {
        StringBuilder sb = new StringBuilder("<commit-information>\n");
        for (ConfigStore.CommitInfo c : store().history()) {
            sb.append("<commit-history>\n<sequence-number>").append(c.rollback()).append("</sequence-number>\n")
                    .append("<user>").append(SafeXml.escape(c.user())).append("</user>\n")
                    .append("<client>").append(c.client().keyword()).append("</client>\n")
                    .append("<date-time junos:seconds=\"").append(c.time().getEpochSecond()).append("\">")
                    .append(COMMIT_TIME.format(c.time())).append("</date-time>\n");
            c.comment().ifPresent(log -> sb.append("<log>").append(SafeXml.escape(log)).append("</log>\n"));
            sb.append("</commit-history>\n");
        }
        return RpcReply.of(sb.append("</commit-information>\n").toString());
    }

    /** Base {@code get-config}: {@code <source>} running or candidate, an optional subtree filter. */
    RpcReply getConfig(Element rpc) throws IOException {
        Optional<String> source = datastore(SafeXml.child(rpc, "source"));
        if (source.isEmpty()) return RpcReply.error(RpcError.protocol("missing-element", "get-config needs <source>"));
        Node tree = source.get().equals("candidate") ? candidate() : store().active();
        Element filter = SafeXml.child(rpc, "filter");
        List<PathElement> level;
        try {
            level = filterLevel(filter == null ? null : SafeXml.child(filter, "configuration"));
        } catch (ConfigSyntaxException e) {
            return RpcReply.error(RpcError.application("invalid-value", e.detail()));
        }
        String xml = StoreSession.open(stateDir, user.name()).render(shown(tree), level, Pipeline.Display.XML);
        return RpcReply.of("<data>\n" + xml + "</data>\n");
    }

    /**
     * The level a filter such as {@code <configuration><system><login/></system></configuration>}
     * selects: the chain of single elements (a list entry by its {@code <name>}).
     */
    private static List<PathElement> filterLevel(Element configuration) throws ConfigSyntaxException {
        List<String> words = new ArrayList<>();
        Element at = configuration;
        while (at != null) {
            List<Element> kids = SafeXml.children(at).stream().filter(k -> !SafeXml.name(k).equals("name")).toList();
            if (kids.size() != 1) break;
            Element next = kids.getFirst();
            words.add(SafeXml.name(next));
            String key = SafeXml.text(next, "name");
            if (key != null) words.add(key);
            at = next;
        }
        if (words.isEmpty()) return List.of();
        return ConfigEditor.editLevel(List.of(), String.join(" ", words.stream().map(Words::quote).toList()));
    }

    // ---------------------------------------------------------------- changing

    /** Junos {@code load-configuration}: action merge/override/replace/update/set, format xml/text. */
    RpcReply loadConfiguration(Element rpc) throws IOException {
        Optional<RpcError> refused = mayWrite();
        if (refused.isPresent()) return RpcReply.error(refused.get());
        String action = rpc.getAttribute("action").isEmpty() ? "merge" : rpc.getAttribute("action");
        String format = rpc.getAttribute("format").isEmpty() ? "xml" : rpc.getAttribute("format");
        Node current = candidate();
        Node loaded;
        try {
            loaded = switch (action) {
                case "set" -> ConfigText.applySetCommands(current, content(rpc, "configuration-set"));
                case "merge", "replace" -> merge(current, rpc, format, action);
                case "override", "update" -> merge(Node.root(), rpc, format, action);
                default -> throw new ConfigSyntaxException("invalid action '" + action
                        + "': expected merge, override, replace, update or set", 0, 0, List.of());
            };
        } catch (ConfigSyntaxException e) {
            return new RpcReply("<load-configuration-results>\n<load-error-count>1</load-error-count>\n</load-configuration-results>\n",
                    List.of(new RpcError("protocol", "operation-failed", "error", e.editPath(), null, e.getMessage())));
        }
        setCandidate(loaded);
        return RpcReply.of("<load-configuration-results>\n<load-success/>\n</load-configuration-results>\n");
    }

    /**
     * Applies the loaded statements to {@code base}. In XML, {@code replace="replace"} replaces
     * an element's subtree (action replace) and {@code delete="delete"} deletes it; text in
     * braces form merges statement by statement.
     */
    private static Node merge(Node base, Element rpc, String format, String action) throws ConfigSyntaxException {
        return switch (format) {
            case "xml" -> {
                Element configuration = SafeXml.child(rpc, "configuration");
                if (configuration == null) throw new ConfigSyntaxException("missing <configuration>", 0, 0, List.of());
                yield ConfigText.applySetCommands(base, XmlConfiguration.commands(configuration));
            }
            case "text" -> {
                if (action.equals("replace")) {
                    throw new ConfigSyntaxException("'replace:' tags in text are not supported by Sallyport: "
                            + "use action override, or format xml with replace=\"replace\"", 0, 0, List.of());
                }
                Node text = ConfigText.parse(content(rpc, "configuration-text"));
                yield ConfigText.applySetCommands(base, ConfigPrinter.setCommands(text));
            }
            default -> throw new ConfigSyntaxException("invalid format '" + format + "': expected xml or text", 0, 0, List.of());
        };
    }

    private static String content(Element rpc, String child) throws ConfigSyntaxException {
        String text = SafeXml.text(rpc, child);
        if (text == null) throw new ConfigSyntaxException("missing <" + child + ">", 0, 0, List.of());
        return text;
    }

    /** Base {@code edit-config} on the candidate: default-operation merge/replace/none, {@code <config>} in Junos XML. */
    RpcReply editConfig(Element rpc) throws IOException {
        Optional<String> target = datastore(SafeXml.child(rpc, "target"));
        if (target.isEmpty() || !target.get().equals("candidate")) {
            return RpcReply.error(RpcError.protocol("operation-not-supported",
                    "edit-config: only the candidate can be edited; commit makes it running"));
        }
        Optional<RpcError> refused = mayWrite();
        if (refused.isPresent()) return RpcReply.error(refused.get());
        String operation = Optional.ofNullable(SafeXml.text(rpc, "default-operation")).orElse("merge");
        Element config = SafeXml.child(rpc, "config");
        Element configText = SafeXml.child(rpc, "config-text");
        try {
            Node base = operation.equals("replace") ? Node.root() : candidate();
            Node edited;
            if (config != null) {
                Element configuration = SafeXml.child(config, "configuration");
                if (configuration == null) throw new ConfigSyntaxException("missing <configuration> in <config>", 0, 0, List.of());
                edited = ConfigText.applySetCommands(base, XmlConfiguration.commands(configuration));
            } else if (configText != null) {
                Node text = ConfigText.parse(content(configText, "configuration-text"));
                edited = ConfigText.applySetCommands(base, ConfigPrinter.setCommands(text));
            } else {
                return RpcReply.error(RpcError.protocol("missing-element", "edit-config needs <config>"));
            }
            setCandidate(edited);
            return RpcReply.ok();
        } catch (ConfigSyntaxException e) {
            return RpcReply.error(new RpcError("application", "invalid-value", "error", e.editPath(), null, e.getMessage()));
        }
    }

    RpcReply discardChanges() throws IOException {
        Optional<RpcError> refused = mayWrite();
        if (refused.isPresent()) return RpcReply.error(refused.get());
        if (privateDatabase.isPresent()) {
            privateDatabase.get().discard();
        } else {
            ConfigStore store = store();
            store.setCandidate(store.active());
        }
        return RpcReply.ok();
    }

    /** Base {@code validate}: the commit checks on the candidate. */
    RpcReply validate() throws IOException {
        CheckResult r = privateDatabase.isPresent() ? privateDatabase.get().check() : store().check();
        return r.succeeded() ? new RpcReply("<ok/>\n", warnings(r)) : new RpcReply("", errors(r));
    }

    // ---------------------------------------------------------------- commit

    /**
     * Junos {@code commit-configuration}: {@code <check/>}, {@code <log>}, {@code <confirmed/>} with
     * {@code <confirm-timeout>} in minutes (default 10). A commit or check confirms a pending one.
     */
    RpcReply commitConfiguration(Element rpc) throws IOException {
        if (SafeXml.child(rpc, "check") != null) {
            ConfigStore store = store();
            CheckResult r = privateDatabase.isPresent() ? privateDatabase.get().check() : store.check();
            if (!r.succeeded()) return new RpcReply("", errors(r));
            store.confirm();
            return new RpcReply(results("<commit-check-success/>\n"), warnings(r));
        }
        Optional<Duration> confirm;
        try {
            confirm = confirmWithin(rpc, ChronoUnit.MINUTES, 10);
        } catch (NumberFormatException e) {
            return RpcReply.error(RpcError.protocol("bad-element", "confirm-timeout must be a whole number of minutes"));
        }
        Optional<RpcReply> failed = commit(Optional.ofNullable(SafeXml.text(rpc, "log")), confirm);
        return failed.orElseGet(() -> RpcReply.of(results("<commit-success/>\n")));
    }

    /** Base {@code commit} (RFC 6241 §8.4: {@code <confirmed/>}, {@code <confirm-timeout>} in seconds, default 600). */
    RpcReply commitBase(Element rpc) throws IOException {
        Optional<Duration> confirm;
        try {
            confirm = confirmWithin(rpc, ChronoUnit.SECONDS, 600);
        } catch (NumberFormatException e) {
            return RpcReply.error(RpcError.protocol("bad-element", "confirm-timeout must be a whole number of seconds"));
        }
        return commit(Optional.empty(), confirm).orElseGet(RpcReply::ok);
    }

    private static Optional<Duration> confirmWithin(Element rpc, ChronoUnit unit, long fallback) {
        if (SafeXml.child(rpc, "confirmed") == null) return Optional.empty();
        String timeout = SafeXml.text(rpc, "confirm-timeout");
        long amount = timeout == null ? fallback : Long.parseLong(timeout.strip());
        if (amount < 1 || amount > 65535) throw new NumberFormatException(timeout);
        return Optional.of(Duration.of(amount, unit));
    }

    private Optional<RpcReply> commit(Optional<String> comment, Optional<Duration> confirmWithin) throws IOException {
        Optional<RpcError> refused = mayWrite();
        if (refused.isPresent()) return Optional.of(RpcReply.error(refused.get()));
        if (privateDatabase.isPresent()) return commitPrivate(comment, confirmWithin);
        ConfigStore store = store();
        var before = store.active();
        ConfigStore.CommitOutcome outcome = store.commit(user.name(), CommitClient.NETCONF, comment);
        Audit.commit(user.name(), user.source(), outcome.committed(), "netconf" + comment.map(c -> ", log \"" + c + "\"").orElse("")
                + confirmWithin.map(d -> ", confirmed within " + d.toSeconds() + " s").orElse(""));
        if (!outcome.committed()) return Optional.of(new RpcReply("", errors(outcome.check())));
        store.confirm();
        if (confirmWithin.isPresent()) {
            store.confirmWithin(confirmWithin.get(), before);
        }
        return reload();
    }

    /** A running daemon applies what was committed; a warning when it could not. */
    private Optional<RpcReply> reload() {
        if (new DaemonLink(stateDir).execute(DaemonLink.RELOAD) instanceof DaemonLink.Answer.Reply r && !r.reply().ok()) {
            return Optional.of(new RpcReply(results("<commit-success/>\n"), List.of(
                    RpcError.warning(null, null, "the daemon did not apply the commit: " + r.reply().text().strip()))));
        }
        return Optional.empty();
    }

    /**
     * The private database's commit: merged onto others' commits; each statement both changed is
     * an error at {@code [edit]} naming it, then {@code configuration database modified}, and
     * nothing is committed.
     */
    private Optional<RpcReply> commitPrivate(Optional<String> comment, Optional<Duration> confirmWithin) throws IOException {
        PrivateDatabase.Commit outcome = privateDatabase.orElseThrow().commit(user.name(), comment, confirmWithin);
        Audit.commit(user.name(), user.source(), outcome instanceof PrivateDatabase.Commit.Done, "netconf private"
                + comment.map(c -> ", log \"" + c + "\"").orElse("")
                + confirmWithin.map(d -> ", confirmed within " + d.toSeconds() + " s").orElse(""));
        return switch (outcome) {
            case PrivateDatabase.Commit.Done d -> reload();
            case PrivateDatabase.Commit.Refused r -> Optional.of(new RpcReply("", errors(r.check())));
            case PrivateDatabase.Commit.Locked l -> Optional.of(RpcReply.error(new RpcError("protocol", "lock-denied", "error",
                    null, null, "configuration database locked by:\n  " + l.holder())));
            case PrivateDatabase.Commit.Conflict c -> {
                List<RpcError> errors = new ArrayList<>();
                for (String statement : c.statements()) {
                    errors.add(new RpcError("protocol", "operation-failed", "error", "[edit]", statement,
                            "modified by another commit since open-configuration private"));
                }
                errors.add(new RpcError("protocol", "operation-failed", "error", null, null, "configuration database modified"));
                yield Optional.of(new RpcReply("", errors));
            }
        };
    }

    private static String results(String outcome) {
        return "<commit-results>\n<routing-engine junos:style=\"normal\">\n<name>re0</name>\n" + outcome
                + "</routing-engine>\n</commit-results>\n";
    }

    private static List<RpcError> errors(CheckResult r) {
        List<RpcError> out = new ArrayList<>();
        for (Diagnostic d : r.errors()) {
            out.add(new RpcError("protocol", "operation-failed", "error", d.editPath(), d.statement(), d.message()));
        }
        out.add(new RpcError("protocol", "operation-failed", "error", null, null, "configuration check-out failed"));
        return out;
    }

    private static List<RpcError> warnings(CheckResult r) {
        return r.warnings().stream().map(d -> RpcError.warning(d.editPath(), d.statement(), d.message())).toList();
    }

    /** {@code <running/>} or {@code <candidate/>} inside a {@code <source>} or {@code <target>}. */
    static Optional<String> datastore(Element holder) {
        if (holder == null) return Optional.empty();
        return SafeXml.children(holder).stream().map(SafeXml::name)
                .filter(n -> n.equals("running") || n.equals("candidate")).findFirst();
    }
}
