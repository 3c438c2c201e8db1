package io.sallyport.app;

import io.sallyport.cli.ConfigSession;
import io.sallyport.cli.ControlChannel;
import io.sallyport.cli.DaemonLink;
import io.sallyport.cli.HelpLine;
import io.sallyport.cli.Pipeline;
import io.sallyport.cli.Reply;
import io.sallyport.cli.Shell;
import io.sallyport.cli.ShellExtension;
import io.sallyport.cli.StoreSession;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigText;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.store.EditingSessions;
import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.lab.Lab;
import io.sallyport.lab.LabRouter;
import io.sallyport.lab.LabShell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The lab's shell is the Junos shell of module cli, talking to the router chosen with {@code
 * router NAME}: {@code show}/{@code clear}/{@code request} go to that router's gateway, {@code
 * configure} edits its configuration store (one per router, in a private temporary directory
 * seeded with the topology's configuration) and a commit is applied to the running router; the
 * lab's own commands ({@code router}, {@code ping ... from}, {@code traceroute}, {@code fault},
 * {@code restart}, {@code advance}, {@code time}, {@code show lab}, {@code show route}) are added
 * as a {@link ShellExtension} over {@link LabShell}.
 */
final class LabShellWiring implements AutoCloseable {
    private final Lab lab;
    private final LabShell commands;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Path root;
    private final Map<String, StoreSession> sessions = new LinkedHashMap<>();
    private final Map<String, Path> stateDirs = new LinkedHashMap<>();
    private final Shell shell;

    LabShellWiring(Lab lab, String user) throws IOException {
        this.lab = lab;
        this.commands = new LabShell(lab, new PrintStream(printed, true, StandardCharsets.UTF_8));
        this.root = Files.createTempDirectory("sallyport-lab-shell-");
        for (Map.Entry<String, LabRouter> r : lab.routers().entrySet()) {
            Path dir = root.resolve(r.getKey().replaceAll("[^A-Za-z0-9-]", "_"));
            StoreSession session = StoreSession.open(dir, user);
            String text = r.getValue().execute("show configuration").text();
            try {
                session.updateCandidate(ConfigText.parse(text));
            } catch (ConfigSyntaxException e) {
                throw new IOException("router " + r.getKey() + ": its configuration does not read back: " + e.getMessage(), e);
            }
            ConfigSession.Outcome o = session.commit(Optional.of("the lab topology's configuration"), Optional.empty());
            if (!o.ok()) throw new IOException("router " + r.getKey() + ": its configuration does not commit:\n" + o.text());
            sessions.put(r.getKey(), session);
            stateDirs.put(r.getKey(), dir);
        }
        this.shell = new Shell(new CurrentRouterSession(), new CurrentRouterChannel(), user,
                () -> commands.current() == null ? "lab" : commands.current()).extendedBy(new LabCommands());
    }

    Shell shell() {
        return shell;
    }

    /** Removes the routers' configuration stores. */
    @Override
    public void close() {
        shell.close();
        try (var all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the lab shell's configuration stores in " + root, e);
        }
    }

    private StoreSession session() {
        String current = commands.current();
        if (current == null) throw new IllegalStateException("this lab has no routers");
        return sessions.get(current);
    }

    /** The current router's gateway; a reload commits the store's active configuration into it. */
    private final class CurrentRouterChannel implements ControlChannel {
        @Override
        public Path stateDir() {
            return stateDirs.getOrDefault(commands.current(), root);
        }

        @Override
        public boolean running() {
            return commands.current() != null;
        }

        @Override
        public DaemonLink.Answer execute(String commandLine) {
            Optional<LabRouter> router = Optional.ofNullable(commands.current()).flatMap(lab::router);
            if (router.isEmpty()) return new DaemonLink.Answer.NotRunning("error: this lab has no routers");
            if (commandLine.equals(DaemonLink.RELOAD)) {
                ControlProtocol.Reply r = router.get().commit(ConfigPrinter.braces(session().active()));
                return new DaemonLink.Answer.Reply(r);
            }
            return new DaemonLink.Answer.Reply(router.get().execute(commandLine));
        }
    }

    /** The lab's commands, run by {@link LabShell}; what it prints is the reply. */
    private final class LabCommands implements ShellExtension {
        private static final List<HelpLine> COMMANDS = List.of(
                new HelpLine("router", "Talk to another router of the lab"),
                new HelpLine("ping", "Ping a host, router or address (from NODE: from another node)"),
                new HelpLine("traceroute", "Trace the route to a host, router or address (from NODE)"),
                new HelpLine("fault", "Break a link: loss, delay, reorder, duplicate, down, up, clear"),
                new HelpLine("restart", "Power-cycle a router"),
                new HelpLine("advance", "Let simulated time pass (30s, 10m, 1h, 1d)"),
                new HelpLine("time", "Show the simulated clock"));

        @Override
        public Optional<Reply> execute(String command, boolean configurationMode) {
            List<String> w = List.of(command.strip().split("\\s+"));
            boolean ours = COMMANDS.stream().anyMatch(h -> h.word().equals(w.getFirst()))
                    || w.size() >= 2 && w.getFirst().equals("show") && (w.get(1).equals("lab") || w.get(1).equals("route"));
            if (!ours) return Optional.empty();
            if (configurationMode && (w.getFirst().equals("router") || w.getFirst().equals("restart"))) {
                return Optional.of(Reply.error("error: leave configuration mode before '" + w.getFirst() + "'\n"));
            }
            printed.reset();
            commands.execute(command);
            String text = printed.toString(StandardCharsets.UTF_8);
            return Optional.of(text.startsWith("error:") ? Reply.error(text) : Reply.ok(text));
        }

        @Override
        public List<HelpLine> next(List<String> typed) {
            if (typed.isEmpty()) return COMMANDS;
            List<String> rest = typed.subList(1, typed.size());
            return switch (typed.getFirst()) {
                case "show" -> rest.isEmpty() ? List.of(new HelpLine("lab", "Nodes, links and the simulated time"),
                        new HelpLine("route", "A node's forwarding table")) : rest.equals(List.of("route")) ? nodes() : List.of();
                case "router" -> rest.isEmpty() ? names(lab.routers().keySet()) : List.of();
                case "ping", "traceroute" -> rest.isEmpty() ? nodes() : options(typed.getFirst(), rest);
                case "fault" -> rest.isEmpty() ? List.of(new HelpLine("link", "A link between two nodes"))
                        : rest.size() <= 2 ? nodes()
                        : rest.size() == 3 ? List.of("loss", "delay", "reorder", "duplicate", "down", "up", "clear").stream()
                                .map(f -> new HelpLine(f, "")).toList() : List.of();
                case "restart" -> rest.isEmpty() ? List.of(new HelpLine("router", "Power-cycle a router"))
                        : rest.size() == 1 ? names(lab.routers().keySet()) : List.of();
                case "advance" -> rest.isEmpty() ? List.of(new HelpLine("<duration>", "30s, 10m, 1h, 1d")) : List.of();
                default -> List.of();
            };
        }

        private List<HelpLine> options(String command, List<String> rest) {
            String last = rest.getLast();
            if (last.equals("from")) return nodes();
            if (last.equals("source")) return List.of(new HelpLine("<address>", "Source address"));
            if (last.equals("count")) return List.of(new HelpLine("<number>", "Number of packets"));
            List<HelpLine> out = new ArrayList<>(List.of(new HelpLine("from", "The node to send from")));
            if (command.equals("ping")) {
                out.add(new HelpLine("source", "Source address"));
                out.add(new HelpLine("count", "Number of packets (5)"));
            }
            out.removeIf(h -> rest.contains(h.word()));
            return out;
        }

        private List<HelpLine> nodes() {
            TreeSet<String> all = new TreeSet<>(lab.routers().keySet());
            lab.links().forEach(l -> {
                all.add(l.a().node());
                all.add(l.b().node());
            });
            return names(all);
        }

        private static List<HelpLine> names(java.util.Collection<String> names) {
            return names.stream().sorted().map(n -> new HelpLine(n, "")).toList();
        }
    }

    /** The configuration store of the router the shell talks to now. */
    private final class CurrentRouterSession implements ConfigSession {
        @Override public Outcome begin(EditingSessions.Mode mode) throws IOException { return session().begin(mode); }

        @Override public void end() throws IOException {
            for (StoreSession s : sessions.values()) s.end();
        }

        @Override public Optional<String> lockedBy() throws IOException { return session().lockedBy(); }

        @Override public EditingSessions.Mode mode() { return session().mode(); }

        @Override public Outcome update() throws IOException { return session().update(); }

        @Override public Node candidate() { return session().candidate(); }

        @Override public Node active() { return session().active(); }

        @Override public void updateCandidate(Node candidate) throws IOException { session().updateCandidate(candidate); }

        @Override public Outcome check() { return session().check(); }

        @Override public Outcome commit(Optional<String> comment, Optional<Duration> confirmWithin) throws IOException {
            if (confirmWithin.isPresent()) {
                // Its deadline would run on the wall clock while the lab runs on simulated time.
                return new Outcome(false, "error: commit confirmed is not available in the lab (its time is simulated); use commit\n");
            }
            return session().commit(comment, confirmWithin);
        }

        @Override public Optional<Duration> confirmRemaining() throws IOException { return session().confirmRemaining(); }

        @Override public String history() throws IOException { return session().history(); }

        @Override public Optional<String> lastCommit() throws IOException { return session().lastCommit(); }

        @Override public List<HelpLine> rollbackChoices() throws IOException { return session().rollbackChoices(); }

        @Override public Node committed(int n) throws IOException { return session().committed(n); }

        @Override public String status() throws IOException { return session().status(); }

        @Override public Outcome rollback(int n) throws IOException { return session().rollback(n); }

        @Override public String compare(List<PathElement> level) { return session().compare(level); }

        @Override public String render(Node tree, List<PathElement> level, Pipeline.Display display) {
            return session().render(tree, level, display);
        }

        @Override public String braces(Node tree, List<PathElement> level) { return session().braces(tree, level); }
    }
}
