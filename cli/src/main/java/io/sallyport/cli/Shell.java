package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.Secrets;
import io.sallyport.config.model.JunosSecret;
import io.sallyport.config.store.EditingSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;

/**
 * The command processor behind the Junos-like shell, free of any terminal: one line in, one
 * {@link Reply} out. The interactive reader, {@code -c} and piped stdin all drive it the same way,
 * and so do the tests.
 */
public final class Shell {
    private static final Set<String> SECRET_FORMATS = Set.of("ascii-text", "hexadecimal");
    private final ShellState state = new ShellState();
    private final ConfigSession config;
    private final String user;
    private final java.util.function.Supplier<String> systemHost;
    private final Assist assist;
    private final ConfigurationMode configurationMode;
    private final OperationalMode operationalMode;
    private boolean echo;
    private CommandGuard guard = CommandGuard.NONE;
    private SecretPrompt secrets = SecretPrompt.NONE;
    private ConfirmPrompt confirmations = ConfirmPrompt.NONE;
    private PasteInput paste = PasteInput.NONE;
    private final LogMonitor monitor = new LogMonitor();

    /**
     * @param config     the configuration store of the state directory
     * @param daemon     the daemon's control socket
     * @param user       the login name shown in the prompt
     * @param systemHost the host name shown when the active configuration has no {@code system host-name}
     */
    public Shell(ConfigSession config, ControlChannel daemon, String user, String systemHost) {
        this(config, daemon, user, () -> systemHost);
    }

    /**
     * @param systemHost the host name shown when the active configuration has none, asked each
     *                   time (the lab's shell shows the router it talks to)
     */
    public Shell(ConfigSession config, ControlChannel daemon, String user, java.util.function.Supplier<String> systemHost) {
        this.config = config;
        this.user = user;
        this.systemHost = systemHost;
        this.assist = new Assist(state, config, new References(() -> new io.sallyport.pki.PkiStore(daemon.stateDir()).localCertificateIds()));
        assist.logFiles(() -> HostCommands.fileNames(daemon.stateDir().resolve("log")));
        this.operationalMode = new OperationalMode(config, daemon, this::hostName, monitor);
        this.configurationMode = new ConfigurationMode(state, config, daemon, operationalMode, prompt -> secrets.read(prompt),
                question -> confirmations.ask(question), () -> paste.untilEndOfInput());
    }

    /**
     * Without a terminal there is no prompt on the screen, so an error's caret line comes with the
     * command echoed above it.
     */
    public Shell echoCommandOnError(boolean on) {
        this.echo = on;
        return this;
    }

    /** Operational commands added to this shell ({@code ?}, TAB and abbreviations know them too). */
    public Shell extendedBy(ShellExtension extension) {
        operationalMode.extension(extension);
        assist.extension(extension);
        return this;
    }

    /** Commands the guard refuses print its error instead of running. */
    public Shell guardedBy(CommandGuard guard) {
        this.guard = guard;
        return this;
    }

    /** Where a secret left off a {@code set} is asked for (the terminal, with echo off). */
    public Shell secretPrompt(SecretPrompt prompt) {
        this.secrets = prompt;
        return this;
    }

    /** Where a yes/no question (a bare {@code delete}, {@code exit} with uncommitted changes) is asked. */
    public Shell confirmPrompt(ConfirmPrompt prompt) {
        this.confirmations = prompt;
        return this;
    }

    /** Where {@code load ... terminal} reads the pasted text (the terminal, up to Ctrl-D). */
    public Shell pasteInput(PasteInput input) {
        this.paste = input;
        return this;
    }

    /** The log files {@code monitor start} follows; the interactive reader polls and prints it. */
    LogMonitor monitor() { return monitor; }

    /** Where {@code ping} and {@code traceroute} are found: the {@code PATH} unless a test says otherwise. */
    Shell programs(java.util.function.Function<String, Optional<java.nio.file.Path>> programs) {
        operationalMode.programs(programs);
        return this;
    }

    public boolean inConfigurationMode() { return state.configurationMode(); }

    /** {@code user@host> } in operational mode, {@code user@host# } in configuration mode. */
    public String prompt() {
        return user + "@" + hostName() + (state.configurationMode() ? "# " : "> ");
    }

    /**
     * The {@code [edit ...]} line Junos prints above each configuration-mode prompt, after the
     * {@code commit confirmed} notice while one is pending.
     */
    public String banner() {
        return confirmNotice() + state.banner();
    }

    /** {@code # commit confirmed will be rolled back in N minutes}, while one is pending, as Junos prints it. */
    private String confirmNotice() {
        try {
            return config.confirmRemaining()
                    .map(left -> "# commit confirmed will be rolled back in " + Math.max(1, (left.toSeconds() + 59) / 60) + " minutes\n")
                    .orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs one command line; a line ending in {@code ?} lists what may come next instead. */
    public Reply execute(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) return Reply.ok("");
        try {
            return run(trimmed);
        } catch (IOException | UncheckedIOException e) {
            return Reply.error("error: the configuration store failed: " + e.getMessage() + "\n");
        } catch (RuntimeException e) {
            // One broken command must not end the session; say what broke so it can be reported.
            return Reply.error("error: internal error while running '" + trimmed + "': " + e + "\n");
        }
    }

    /**
     * {@code help}: the commands of this mode with their help text, as {@code ?} on an empty
     * line lists them; Junos's {@code help topic|reference} (the manual) has nothing to show here.
     */
    private Reply help(Pipeline p) {
        Words w = Words.of(p.command());
        if (w.size() == 1) return Reply.ok(HelpLine.render(assist.help("").stream().filter(h -> !h.equals(SchemaGuide.ENTER)).toList()));
        return switch (w.get(1)) {
            case "reference" -> helpReference(w);
            case "topic" -> Reply.error("error: Sallyport has no help topics in the shell: its manual is docs/ and the reference it"
                    + " follows; 'help reference STATEMENT' summarises a configuration statement\n");
            default -> ConfigurationMode.syntaxErrorAt(w, 1);
        };
    }

    /**
     * {@code help reference STATEMENT...}: what a configuration statement is (its help text) and
     * what it holds or takes, from the schema; alone, the top-level statements.
     */
    private Reply helpReference(Words w) {
        List<String> path = w.from(2);
        for (int i = 1; i <= path.size(); i++) {
            try {
                io.sallyport.config.Schema.expect(path.subList(0, i));
            } catch (io.sallyport.config.ConfigSyntaxException e) {
                return Reply.errorAt(w.starts().get(i + 1), e.detail() + "\n");
            }
        }
        List<HelpLine> next = SchemaGuide.next(List.of(), path, config.candidate());
        StringBuilder sb = new StringBuilder();
        if (!path.isEmpty()) {
            String last = path.getLast();
            String about = SchemaGuide.next(List.of(), path.subList(0, path.size() - 1), config.candidate()).stream()
                    .filter(h -> h.word().equals(last)).map(HelpLine::help).findFirst().orElse("");
            sb.append(String.join(" ", path)).append(about.isEmpty() ? "" : ": " + about).append('\n');
        }
        List<HelpLine> holds = next.stream().filter(h -> !h.equals(SchemaGuide.ENTER)).toList();
        if (holds.isEmpty()) return Reply.ok(sb + "  (a statement on its own: it takes nothing more)\n");
        sb.append(holds.stream().anyMatch(h -> !h.word().startsWith("<")) ? "Statements and values it takes:\n" : "Value it takes:\n");
        holds.forEach(h -> sb.append(h.render()).append('\n'));
        return Reply.ok(sb.toString());
    }

    private Reply run(String trimmed) throws IOException {
        if (trimmed.endsWith("?")) {
            List<HelpLine> help = assist.help(trimmed.substring(0, trimmed.length() - 1));
            return help.isEmpty() ? Reply.error("No valid completions\n") : Reply.ok(HelpLine.render(help));
        }
        Assist.Expansion expansion = assist.expand(trimmed);
        String expanded = expansion.line();
        if (expansion instanceof Assist.Expansion.Ambiguous a) {
            String text = "'" + a.word() + "' is ambiguous.\n" + HelpLine.render(a.candidates());
            return new Reply(withCaret(expanded, a.column(), text), Reply.Status.ERROR, a.column());
        }
        Pipeline.Result parsed = Pipeline.parse(expanded);
        if (parsed.error() != null) return Reply.error(parsed.error() + "\n");
        Pipeline p = parsed.pipeline();
        Optional<String> refused = guard.refusal(state.configurationMode(), Words.of(p.command()).words());
        if (refused.isPresent()) return Reply.error(refused.get());
        Reply reply = Words.of(p.command()).first().equals("help") ? help(p)
                : state.configurationMode() ? configurationMode.execute(p) : operational(p);
        String text = reply.status() == Reply.Status.OK ? p.filter(reply.text()) : reply.text();
        return new Reply(withCaret(expanded, reply.caretColumn(), text), reply.status(), reply.caretColumn());
    }

    /**
     * Whether the output of {@code line} may be paged on a terminal: always, unless it ends in
     * {@code | no-more} (abbreviated or not).
     */
    public boolean pages(String line) {
        try {
            Pipeline.Result parsed = Pipeline.parse(assist.expand(line.strip()).line());
            return parsed.pipeline() == null || parsed.pipeline().filters().stream().noneMatch(f -> f instanceof Pipeline.NoMore);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** What may come next after {@code line}, for the {@code ?} key of the interactive reader. */
    public List<HelpLine> help(String line) {
        try {
            return assist.help(line);
        } catch (RuntimeException e) {
            return List.of();  // a help key must never break the line being typed; execute() reports the fault
        }
    }

    /**
     * {@code typed} as command history may keep it: secret values and any "$9$" word left out,
     * so the history file never holds a key and recalling the line asks for the secret again.
     * Reads the edit level, so it must run before the line is executed (JLine adds to the history
     * when the line is accepted).
     */
    public String historyLine(String typed) {
        Words w = Words.of(typed);
        Set<Integer> drop = new TreeSet<>();
        for (int i = 0; i < w.size(); i++) {
            if (w.get(i).contains(JunosSecret.MAGIC)) drop.add(i);
            // Lines the schema walk cannot follow (typos) still lose the word after a key format.
            if (i > 0 && SECRET_FORMATS.contains(w.get(i - 1))) drop.add(i);
        }
        if (state.configurationMode()) {
            try {
                Words x = Words.of(assist.expand(typed).line());
                if (x.size() == w.size() && x.first().equals("set")) {
                    List<String> path = new ArrayList<>(ConfigEditor.words(state.level()));
                    int offset = path.size() - 1;
                    path.addAll(x.from(1));
                    for (int p : Secrets.valuePositions(path)) if (p - offset < w.size()) drop.add(p - offset);
                }
            } catch (RuntimeException e) {
                // history must never break the line being typed; the textual rules above still apply
            }
        }
        if (drop.isEmpty()) return typed;
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) if (!drop.contains(i)) kept.add(Words.quote(w.get(i)));
        return String.join(" ", kept);
    }

    /** The keyword Space puts in place of the last, partial word of {@code line}, if it stands for exactly one. */
    public Optional<String> keywordCompletion(String line) {
        try {
            return assist.keywordCompletion(line);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The words TAB may put in place of the last word of {@code line}. */
    public List<String> complete(String line) {
        try {
            return assist.complete(line);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** {@code configure}, {@code configure exclusive}, {@code configure private}; any other word is a syntax error. */
    private Reply configure(Words w) throws IOException {
        EditingSessions.Mode mode = EditingSessions.Mode.SHARED;
        if (w.size() > 1) {
            mode = switch (w.get(1)) {
                case "exclusive" -> EditingSessions.Mode.EXCLUSIVE;
                case "private" -> EditingSessions.Mode.PRIVATE;
                default -> null;
            };
            if (mode == null || w.size() > 2) {
                int bad = mode == null ? 1 : 2;
                return Reply.errorAt(w.starts().get(bad), "syntax error.\n");
            }
        }
        ConfigSession.Outcome o = config.begin(mode);
        if (!o.ok()) return Reply.error(o.text());
        state.enterConfiguration();
        return Reply.ok(o.text());
    }

    /** Ends this shell's editing session, if any (the shell is going away). */
    public void close() {
        try {
            config.end();
        } catch (IOException e) {
            // the session file is removed as stale once this process has gone
        }
    }

    private Reply operational(Pipeline p) throws IOException {
        switch (Words.of(p.command()).first()) {
            case "configure" -> {
                return configure(Words.of(p.command()));
            }
            case "exit", "quit" -> {
                Words w = Words.of(p.command());
                return w.size() > 1 ? ConfigurationMode.syntaxErrorAt(w, 1) : Reply.exit("");
            }
            default -> { return operationalMode.execute(p); }
        }
    }

    /** A {@code ^} under the word at fault, aligned with the prompt or with the echoed command. */
    private String withCaret(String line, int column, String text) {
        if (column < 0) return text;
        int offset = echo ? 0 : prompt().length();
        String head = echo ? line + "\n" : "";
        return head + " ".repeat(offset + column) + "^\n" + text;
    }

    private String hostName() {
        return config.active().child("system").flatMap(s -> s.value("host-name")).orElseGet(systemHost);
    }
}
