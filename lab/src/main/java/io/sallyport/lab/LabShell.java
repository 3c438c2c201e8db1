package io.sallyport.lab;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.net.Route;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The lab's commands: {@code show}/{@code clear} go to the current router's gateway (as on a
 * Junos router), and the lab adds {@code router}, {@code ping}, {@code traceroute}, {@code fault},
 * {@code restart}, {@code advance} and {@code time}. Every command runs on simulated time.
 * {@code sallyport lab} runs the Junos shell of module cli with these commands added (module app
 * wires the two: lab never imports cli); {@link #execute} prints each command's output.
 */
public final class LabShell {
    static final String HELP = """
            router NAME                          talk to router NAME (show/clear go to it)
            show ...  / clear ...                Junos operational commands on the current router
            show lab                             nodes, links and the simulated time
            show route [NODE]                    a node's forwarding table
            ping TARGET [from NODE] [source ADDR] [count N]
            traceroute TARGET [from NODE]        TARGET: a host name, router name or address
            fault link A B loss 20%|delay 50ms|reorder N|duplicate 5%|down|up|clear
            restart router NAME                  power-cycle a router (its peers get no deletes)
            advance DURATION                     let simulated time pass: 30s, 10m, 1h, 1d
            time                                 the simulated clock
            quit
            """;

    private final Lab lab;
    private final PrintStream out;
    private String current;

    public LabShell(Lab lab, PrintStream out) {
        this.lab = lab;
        this.out = out;
        this.current = lab.routers().keySet().stream().findFirst().orElse(null);
    }

    /** The router {@code show}/{@code clear} go to (null in a lab without routers). */
    public String current() {
        return current;
    }

    /** Runs one command line; false for {@code quit}. Errors are printed, never thrown. */
    public boolean execute(String line) {
        String[] w = line.trim().split("\\s+");
        if (w[0].isEmpty()) {
            return true;
        }
        try {
            switch (w[0]) {
                case "quit", "exit" -> {
                    return false;
                }
                case "help", "?" -> out.print(HELP);
                case "router" -> router(w);
                case "show" -> show(line.trim(), w);
                case "clear", "request" -> management(line.trim());
                case "ping" -> ping(w);
                case "traceroute" -> traceroute(w);
                case "fault" -> fault(w);
                case "restart" -> restart(w);
                case "advance" -> advance(w);
                case "time" -> out.println("simulated time " + Durations.clock(lab.nowNanos()));
                default -> out.println("error: unknown command: " + w[0] + " (type help)");
            }
        } catch (LabException e) {
            out.println("error: " + e.getMessage());
        }
        return true;
    }

    private void router(String[] w) throws LabException {
        if (w.length != 2) {
            throw new LabException("usage: router NAME (routers: " + String.join(", ", lab.routers().keySet()) + ")");
        }
        if (lab.router(w[1]).isEmpty()) {
            throw new LabException("no router named " + w[1] + " (routers: " + String.join(", ", lab.routers().keySet()) + ")");
        }
        current = w[1];
    }

    private void show(String line, String[] w) throws LabException {
        if (w.length >= 2 && w[1].equals("lab")) {
            out.println("simulated time " + Durations.clock(lab.nowNanos()));
            lab.routers().values().forEach(r -> out.println("router " + r.name() + (r.tunnelsUp() ? "  tunnels up" : "")));
            for (Lab.LabLink l : lab.links()) {
                out.println("link " + l.a() + " (" + l.addressA().getHostAddress() + ") -- " + l.b() + " ("
                        + l.addressB().getHostAddress() + ")  " + (l.link().isUp() ? "up" : "down") + ", "
                        + l.link().delivered() + " delivered");
            }
            lab.warnings().forEach(x -> out.println("warning: " + x));
            return;
        }
        // "show route [NODE]" is the lab's; "show route table NAME.inet.0 ..." goes to the router.
        if (w.length >= 2 && w[1].equals("route") && (w.length == 2 || w.length == 3 && lab.node(w[2]).isPresent())) {
            String name = w.length >= 3 ? w[2] : current;
            Node node = lab.node(name == null ? "" : name).orElseThrow(() -> new LabException("no node named " + name));
            for (Route r : node.control().routes()) {
                out.println(r.isUnreachable() ? "unreachable " + r.destination() + " table " + r.table()
                        : r.destination() + " dev " + r.device() + r.via().map(v -> " via " + v.getHostAddress()).orElse(""));
            }
            return;
        }
        management(line);
    }

    private void management(String line) throws LabException {
        if (current == null) {
            throw new LabException("this lab has no routers");
        }
        Reply r = lab.router(current).orElseThrow().execute(line);
        out.print(r.text());
    }

    private void ping(String[] w) throws LabException {
        if (w.length < 2) {
            throw new LabException("usage: ping TARGET [from NODE] [source ADDR] [count N]");
        }
        InetAddress target = target(w[1]);
        String from = option(w, "from").orElse(current);
        Optional<InetAddress> source = option(w, "source").map(this::targetOrNull);
        int count = option(w, "count").map(LabShell::number).orElse(5);
        out.print(lab.ping(requireNode(from), target, source, count).render());
    }

    private void traceroute(String[] w) throws LabException {
        if (w.length < 2) {
            throw new LabException("usage: traceroute TARGET [from NODE]");
        }
        out.print(lab.traceroute(requireNode(option(w, "from").orElse(current)), target(w[1]), 30).render());
    }

    private void fault(String[] w) throws LabException {
        if (w.length < 5 || !w[1].equals("link")) {
            throw new LabException("usage: fault link A B loss 20%|delay 50ms|reorder N|duplicate 5%|down|up|clear");
        }
        String what = w[4];
        String arg = w.length > 5 ? w[5] : "";
        Lab.Fault fault = switch (what) {
            case "loss" -> new Lab.Fault.Loss(percent(arg));
            case "duplicate" -> new Lab.Fault.Duplicate(percent(arg));
            case "delay" -> new Lab.Fault.Delay(duration(arg));
            case "reorder" -> new Lab.Fault.Reorder(number(arg), 5_000_000L);
            case "down" -> new Lab.Fault.Down();
            case "up" -> new Lab.Fault.Up();
            case "clear" -> new Lab.Fault.Clear();
            default -> throw new LabException("unknown fault " + what + " (loss, delay, reorder, duplicate, down, up, clear)");
        };
        lab.fault(w[2], w[3], fault);
        out.println("link " + w[2] + " -- " + w[3] + ": " + String.join(" ", Arrays.copyOfRange(w, 4, w.length)));
    }

    private void restart(String[] w) throws LabException {
        if (w.length != 3 || !w[1].equals("router")) {
            throw new LabException("usage: restart router NAME");
        }
        lab.restart(w[2]);
        out.println("router " + w[2] + " restarted at " + Durations.clock(lab.nowNanos()));
    }

    private void advance(String[] w) throws LabException {
        long nanos = w.length == 2 ? Durations.parse(w[1]) : -1;
        if (nanos < 0) {
            throw new LabException("usage: advance DURATION (30s, 10m, 1h, 1d)");
        }
        lab.advance(nanos);
        out.println("simulated time " + Durations.clock(lab.nowNanos()));
    }

    private String requireNode(String name) throws LabException {
        if (name == null || lab.node(name).isEmpty()) {
            throw new LabException("say which node: from NODE");
        }
        return name;
    }

    private InetAddress target(String text) throws LabException {
        return lab.resolve(text).orElseThrow(() -> new LabException("unknown host or address: " + text));
    }

    private InetAddress targetOrNull(String text) {
        return lab.resolve(text).orElse(null);
    }

    private static Optional<String> option(String[] w, String name) {
        List<String> words = Arrays.asList(w);
        int i = words.indexOf(name);
        return i > 0 && i + 1 < w.length ? Optional.of(w[i + 1]) : Optional.empty();
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static double percent(String text) throws LabException {
        String t = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
        try {
            double p = Double.parseDouble(t) / 100.0;
            if (p < 0 || p > 1) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new LabException("not a percentage: " + text + " (example: 20%)");
        }
    }

    private static long duration(String text) throws LabException {
        long n = Durations.parse(text);
        if (n < 0) {
            throw new LabException("not a duration: " + text + " (examples: 50ms, 2s)");
        }
        return n;
    }
}
