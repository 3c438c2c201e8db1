package io.sallyport.app;

import io.sallyport.cli.DaemonLink;
import io.sallyport.cli.Shell;
import io.sallyport.cli.ShellRunner;
import io.sallyport.cli.StoreSession;
import io.sallyport.lab.LabException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The commands of {@code sallyport lab --netns}: the lab's own ({@code router NAME}, {@code show
 * lab}, {@code ping TARGET [from NODE] [count N]}, {@code await TARGET from NODE [within S]},
 * {@code quit}); any other line goes to the current router's Junos shell (its daemon's store and
 * control socket, as {@code sallyport cli --state-dir} would), one line at a time: configuration
 * sessions across lines need {@code sallyport cli --state-dir DIR} ({@code show lab} names DIR).
 */
final class NetnsLabShell {
    private static final long AWAIT_DEFAULT_SECONDS = 120;
    private static final String FAULT_USAGE = "fault link A B down|up|loss N%|duplicate N%|clear";

    private final NetnsLab lab;
    private final String user;
    private final PrintWriter out;
    private final PrintWriter err;
    private String current;

    NetnsLabShell(NetnsLab lab, String user, PrintWriter out, PrintWriter err) {
        this.lab = lab;
        this.user = user;
        this.out = out;
        this.err = err;
        this.current = lab.stateDirs().keySet().stream().sorted().findFirst().orElse(null);
    }

    /** Runs the commands in order, stopping at the first that fails; 0, or 1 after a failure. */
    int run(List<String> commands) {
        for (String c : commands) {
            String line = c.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("quit") || line.equals("exit")) {
                return 0;
            }
            if (!execute(line)) {
                return 1;
            }
        }
        return 0;
    }

    /** One command; false when it failed (its error printed). */
    boolean execute(String line) {
        List<String> w = List.of(line.split("\\s+"));
        return switch (w.getFirst()) {
            case "router" -> router(w);
            case "ping" -> ping(w);
            case "await" -> await(w);
            case "restart" -> restart(w);
            case "fault" -> fault(w);
            case "traceroute" -> traceroute(w);
            default -> w.size() == 2 && w.equals(List.of("show", "lab")) ? print(lab.describe()) : junos(line);
        };
    }

    private boolean router(List<String> w) {
        if (w.size() != 2 || !lab.stateDirs().containsKey(w.get(1))) {
            return fail("usage: router NAME (routers: " + String.join(", ", lab.stateDirs().keySet().stream().sorted().toList()) + ")");
        }
        current = w.get(1);
        return print("");
    }

    private boolean ping(List<String> w) {
        if (w.size() < 2) {
            return fail("usage: ping TARGET [from NODE] [count N]");
        }
        Optional<InetAddress> target = lab.resolve(w.get(1));
        String from = option(w, "from").orElse(current);
        if (target.isEmpty() || from == null || !lab.hasNode(from)) {
            return fail("no such target or node: " + w.get(1) + " from " + from);
        }
        String count = option(w, "count").orElse("5");
        NetnsLab.CommandResult r = lab.exec(from, List.of("ping", "-n", "-c", count, "-i", "0.2", "-W", "1",
                target.get().getHostAddress()), 60);
        out.print(r.output());
        out.flush();
        return r.exit() == 0 || fail("");
    }

    /** Debian's {@code traceroute} in the node's namespace: numeric, one probe per hop, a second's wait each. */
    private boolean traceroute(List<String> w) {
        if (w.size() != 2 && w.size() != 4) {
            return fail("usage: traceroute TARGET [from NODE]");
        }
        Optional<InetAddress> target = lab.resolve(w.get(1));
        String from = option(w, "from").orElse(current);
        if (target.isEmpty() || from == null || !lab.hasNode(from)) {
            return fail("no such target or node: " + w.get(1) + " from " + from);
        }
        NetnsLab.CommandResult r = lab.exec(from, List.of("traceroute", "-n", "-q", "1", "-w", "1", "-m", "16",
                target.get().getHostAddress()), 60);
        out.print(r.output());
        out.flush();
        return r.exit() == 0 || fail(r.output().contains("No such file")
                ? "traceroute needs Debian's traceroute package (interop/harness/install-deps.sh installs it)" : "");
    }

    /** Pings once a second until one is answered: for scripts that wait for routing to converge. */
    private boolean await(List<String> w) {
        Optional<String> from = option(w, "from");
        if (w.size() < 4 || from.isEmpty() || !lab.hasNode(from.get()) || lab.resolve(w.get(1)).isEmpty()) {
            return fail("usage: await TARGET from NODE [within SECONDS]");
        }
        long seconds = option(w, "within").map(Long::parseLong).orElse(AWAIT_DEFAULT_SECONDS);
        String target = lab.resolve(w.get(1)).orElseThrow().getHostAddress();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            // ping -w 1 waits up to a second for the answer: the loop is paced by the probe itself.
            if (lab.exec(from.get(), List.of("ping", "-n", "-c", "1", "-w", "1", target), 10).exit() == 0) {
                return print(target + " answered " + from.get() + " after "
                        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s\n");
            }
        }
        return fail(target + " did not answer " + from.get() + " within " + seconds + " s");
    }

    /** {@code restart router NAME}: SIGKILL to its daemon (no deletes reach its peers), a new one on its store. */
    private boolean restart(List<String> w) {
        if (w.size() != 3 || !w.get(1).equals("router")) {
            return fail("usage: restart router NAME");
        }
        try {
            long pid = lab.restart(w.get(2));
            return print("router " + w.get(2) + " restarted: daemon PID " + pid + " on its store\n");
        } catch (LabException e) {
            return fail(e.getMessage());
        }
    }

    /** {@code fault link A B down|up|loss N%|duplicate N%|clear}; what needs netem is refused, saying so. */
    private boolean fault(List<String> w) {
        if (w.size() < 5 || !w.get(1).equals("link")) {
            return fail("usage: " + FAULT_USAGE);
        }
        String what = w.get(4);
        NetnsLab.LinkFault fault;
        switch (what) {
            case "down" -> fault = new NetnsLab.LinkFault.Down();
            case "up" -> fault = new NetnsLab.LinkFault.Up();
            case "clear" -> fault = new NetnsLab.LinkFault.Clear();
            case "loss", "duplicate" -> {
                if (w.size() != 6 || !w.get(5).matches("\\d{1,3}%") || Integer.parseInt(w.get(5).replace("%", "")) > 100) {
                    return fail("usage: fault link A B " + what + " N% (N from 0 to 100)");
                }
                int percent = Integer.parseInt(w.get(5).replace("%", ""));
                fault = what.equals("loss") ? new NetnsLab.LinkFault.Loss(percent) : new NetnsLab.LinkFault.Duplicate(percent);
            }
            case "delay", "reorder" -> {
                return fail("fault " + what + ": not in the netns lab: it needs the kernel's netem qdisc (sch_netem), which "
                        + "the lab does not assume (kernels without CONFIG_NET_SCH_NETEM lack it); the in-JVM lab "
                        + "(sallyport lab without --netns) has it");
            }
            default -> {
                return fail("unknown fault " + what + " (" + FAULT_USAGE + ")");
            }
        }
        try {
            lab.fault(w.get(2), w.get(3), fault);
            return print("");
        } catch (LabException e) {
            return fail(e.getMessage());
        }
    }

    private boolean junos(String line) {
        if (current == null) {
            return fail("this lab has no routers");
        }
        try {
            var dir = lab.stateDirs().get(current);
            Shell shell = new Shell(StoreSession.open(dir, user), new DaemonLink(dir), user, current);
            return ShellRunner.runCommandArgument(shell, line, out, err) == 0;
        } catch (IOException e) {
            return fail(e.getMessage());
        }
    }

    private static Optional<String> option(List<String> w, String name) {
        int i = w.indexOf(name);
        return i >= 0 && i + 1 < w.size() ? Optional.of(w.get(i + 1)) : Optional.empty();
    }

    private boolean print(String text) {
        out.print(text);
        out.flush();
        return true;
    }

    private boolean fail(String message) {
        if (!message.isEmpty()) {
            err.println("error: " + message);
        }
        err.flush();
        return false;
    }

    /** {@code -c}'s commands, split at {@code ;}. */
    static List<String> split(String commands) {
        return new ArrayList<>(List.of(commands.split(";")));
    }
}
