package io.sallyport.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.keymap.KeyMap;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Drives a {@link Shell} from somewhere: the {@code -c} argument, lines on a non-terminal stdin,
 * or an interactive JLine terminal. Batch runs stop at the first failing command and exit 1, so
 * a script never commits half of what it meant to.
 */
public final class ShellRunner {
    private static final String HELP_WIDGET = "junos-help";
    private static final String SPACE_WIDGET = "junos-space";
    private static final String TAB_WIDGET = "junos-tab";

    private ShellRunner() {
    }

    /** {@code -c}: the commands of one argument, separated by {@code ;} outside quotes. */
    public static int runCommandArgument(Shell shell, String argument, PrintWriter out, PrintWriter err) {
        return runBatch(shell, splitCommands(argument), out, err);
    }

    /** Commands read from a pipe or a file, one per line. */
    public static int runLines(Shell shell, BufferedReader in, PrintWriter out, PrintWriter err) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) lines.add(line);
        return runBatch(shell, lines, out, err);
    }

    static int runBatch(Shell shell, List<String> commands, PrintWriter out, PrintWriter err) {
        try {
            return runEach(shell, commands, out, err);
        } finally {
            shell.close();
        }
    }

    private static int runEach(Shell shell, List<String> commands, PrintWriter out, PrintWriter err) {
        shell.echoCommandOnError(true);
        for (String command : commands) {
            Reply r = shell.execute(command);
            PrintWriter to = r.failed() ? err : out;
            to.print(r.text());
            to.flush();
            if (r.failed()) return 1;
            if (r.status() == Reply.Status.EXIT) return 0;
        }
        return 0;
    }

    /** Splits {@code configure; set system host-name r1; commit} at the semicolons outside quotes. */
    static List<String> splitCommands(String argument) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c == '"' && (i == 0 || argument.charAt(i - 1) != '\\')) quoted = !quoted;
            if (c == ';' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        out.removeIf(String::isBlank);
        return out;
    }

    /**
     * The interactive shell: TAB completes, {@code ?} lists what may come next, Ctrl-D leaves.
     * Command history is kept in {@code historyFile} across sessions, owner-only, without secrets
     * and without lines that carry a key passphrase.
     */
    public static int runInteractive(Shell shell, Path historyFile) throws IOException {
        try (Terminal terminal = withoutProbes(TerminalBuilder.builder().system(true)).build()) {
            return runInteractive(shell, terminal, historyFile);
        }
    }

    /**
     * {@code builder} told not to query the terminal. Unless told, JLine asks it about grapheme
     * clustering (DECRQM and DA1) and waits 200 ms for the answers; an answer later than that (a
     * loaded machine, a slow link) stays in the input and the line reader takes it for keys typed:
     * {@code [1;2c} on the line and {@code ?} running the help. The CLI shows no grapheme clusters.
     */
    public static TerminalBuilder withoutProbes(TerminalBuilder builder) {
        return builder.graphemeCluster(false);
    }

    /** The interactive shell on a terminal someone else opened (an SSH channel with a pty). */
    public static int runInteractive(Shell shell, Terminal terminal, Path historyFile) throws IOException {
        SecretFreeHistory.prepareFile(historyFile);
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("sallyport")
                .history(new SecretFreeHistory(shell::historyLine))
                .completer((r, line, candidates) -> {
                    String upToCursor = line.line().substring(0, line.cursor());
                    for (String word : shell.complete(upToCursor)) {
                        candidates.add(new Candidate(word, word, null, null, null, null, true));
                    }
                })
                // JLine only completes; a second TAB lists the choices with their help, as '?' does (our widget).
                .option(LineReader.Option.AUTO_LIST, false)
                .option(LineReader.Option.LIST_AMBIGUOUS, false)
                .option(LineReader.Option.AUTO_MENU, false)
                .variable(LineReader.HISTORY_FILE, historyFile)
                // A key passphrase typed on a command line must not land in the history file.
                .variable(LineReader.HISTORY_IGNORE, "*passphrase*:*challenge-password*")
                .build();
        reader.getWidgets().put(HELP_WIDGET, () -> {
            String typed = reader.getBuffer().upToCursor();
            if (typed.chars().filter(ch -> ch == '"').count() % 2 == 1) {
                reader.getBuffer().write('?');  // inside a quoted string it is just a character
                return true;
            }
            List<HelpLine> help = shell.help(typed);
            reader.printAbove(help.isEmpty() ? "No valid completions" : HelpLine.render(help).stripTrailing());
            return true;
        });
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference(HELP_WIDGET), KeyMap.translate("?"));
        reader.getWidgets().put(SPACE_WIDGET, () -> {
            String typed = reader.getBuffer().upToCursor();
            if (typed.chars().filter(ch -> ch == '"').count() % 2 == 0) {
                Words w = Words.of(typed);
                shell.keywordCompletion(typed).ifPresent(word -> {
                    reader.getBuffer().backspace(w.words().getLast().length());
                    reader.getBuffer().write(word);
                });
            }
            reader.getBuffer().write(' ');
            return true;
        });
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference(SPACE_WIDGET), " ");
        String[] lastTab = {null};
        reader.getWidgets().put(TAB_WIDGET, () -> {
            String buffer = reader.getBuffer().toString();
            if (buffer.equals(lastTab[0])) {
                List<HelpLine> help = shell.help(reader.getBuffer().upToCursor());
                reader.printAbove(help.isEmpty() ? "No valid completions" : HelpLine.render(help).stripTrailing());
                return true;
            }
            reader.callWidget(LineReader.COMPLETE_WORD);
            lastTab[0] = reader.getBuffer().toString();
            return true;
        });
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference(TAB_WIDGET), "\t");
        shell.secretPrompt(prompt -> readSecret(reader, prompt));
        shell.confirmPrompt(question -> confirm(reader, question));
        shell.pasteInput(() -> paste(reader, terminal));
        Pager pager = new Pager(terminal::getHeight, () -> readKey(terminal), terminal.writer());
        ScheduledExecutorService monitor = follow(shell.monitor(), reader);
        try {
            return loop(shell, reader, terminal, pager);
        } finally {
            monitor.shutdownNow();
            shell.monitor().detach();
            shell.close();
        }
    }

    /** One line with nothing echoed (JLine's null mask), and kept out of the history. */
    static Optional<String> readSecret(LineReader reader, String prompt) {
        try {
            return Optional.of(reader.readLine(prompt, LineReaderImpl.NULL_MASK));
        } catch (UserInterruptException | EndOfFileException e) {
            return Optional.empty();
        }
    }

    /**
     * A yes/no question on the terminal, kept out of the history: {@code yes}/{@code y} or
     * {@code no}/{@code n} (any case), Enter for the default in the question's {@code (yes)} or
     * {@code (no)}; anything else asks again. Ctrl-C or Ctrl-D answers no: the command is abandoned.
     */
    static Optional<Boolean> confirm(LineReader reader, String question) {
        boolean byDefault = question.stripTrailing().endsWith("(yes)");
        Object history = reader.getVariable(LineReader.DISABLE_HISTORY);
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            while (true) {
                Optional<Boolean> answer = answer(reader.readLine(question), byDefault);
                if (answer.isPresent()) return answer;
            }
        } catch (UserInterruptException | EndOfFileException e) {
            return Optional.of(false);
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, history == null ? false : history);
        }
    }

    /**
     * What is pasted after Junos's {@code [Type ^D at a new line to end input]}, up to Ctrl-D,
     * kept out of the history; Ctrl-C abandons it.
     */
    static Optional<String> paste(LineReader reader, Terminal terminal) {
        terminal.writer().println("[Type ^D at a new line to end input]");
        terminal.writer().flush();
        Object history = reader.getVariable(LineReader.DISABLE_HISTORY);
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        StringBuilder text = new StringBuilder();
        // Raw between lines too: a pasted block followed by Ctrl-D must not meet the cooked line
        // discipline while no readLine runs (there ^D is no byte, and the end would be missed).
        Attributes cooked = terminal.enterRawMode();
        try {
            while (true) text.append(reader.readLine("")).append('\n');
        } catch (EndOfFileException e) {
            return Optional.of(text.toString());
        } catch (UserInterruptException e) {
            return Optional.empty();
        } finally {
            terminal.setAttributes(cooked);
            reader.setVariable(LineReader.DISABLE_HISTORY, history == null ? false : history);
        }
    }

    /** {@code typed} as an answer to a question whose default is {@code byDefault}; empty when it is no answer. */
    static Optional<Boolean> answer(String typed, boolean byDefault) {
        return switch (typed.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "" -> Optional.of(byDefault);
            case "yes", "y" -> Optional.of(true);
            case "no", "n" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /**
     * {@code monitor start FILE}: what the followed files gained, printed above the line being
     * typed, checked twice a second on a thread of its own (the files are the daemon's, written
     * whenever kmd traces).
     */
    private static ScheduledExecutorService follow(LogMonitor monitor, LineReader reader) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sallyport-monitor");
            t.setDaemon(true);
            return t;
        });
        monitor.attach();
        timer.scheduleWithFixedDelay(() -> {
            String text = monitor.poll();
            if (!text.isEmpty()) reader.printAbove(text.stripTrailing());
        }, 500, 500, TimeUnit.MILLISECONDS);
        return timer;
    }

    /** One key, unechoed, for the pager's {@code ---(more)---}. */
    private static int readKey(Terminal terminal) throws java.io.IOException {
        Attributes before = terminal.enterRawMode();
        try {
            return terminal.reader().read();
        } finally {
            terminal.setAttributes(before);
        }
    }

    private static int loop(Shell shell, LineReader reader, Terminal terminal, Pager pager) {
        boolean lastFailed = false;
        while (true) {
            if (shell.inConfigurationMode()) {
                terminal.writer().println();
                terminal.writer().println(shell.banner());
            }
            String line;
            try {
                line = reader.readLine(shell.prompt());
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                return lastFailed ? 1 : 0;
            }
            Reply r = shell.execute(line);
            if (shell.pages(line)) pager.print(r.text());
            else terminal.writer().print(r.text());
            terminal.writer().flush();
            if (r.status() == Reply.Status.EXIT) return 0;
            lastFailed = r.failed();
        }
    }
}
