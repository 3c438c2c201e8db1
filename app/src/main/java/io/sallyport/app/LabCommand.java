package io.sallyport.app;

import io.sallyport.lab.Lab;
import io.sallyport.lab.LabException;
import io.sallyport.cli.Shell;
import io.sallyport.cli.ShellRunner;
import io.sallyport.lab.Topologies;
import io.sallyport.lab.Topology;
import java.io.BufferedReader;
import java.io.Console;
import java.io.PrintWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sallyport lab FILE}: runs a topology of virtual routers and hosts and opens its shell. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Runs a lab topology (a .lab file, or example:NAME for a shipped example) and opens",
                "the Junos shell on it (configure commits into the running router) with the lab's commands:",
                "router NAME, ping, traceroute, fault, restart, advance, time, show lab, show route.",
                "With --netns (root) the topology runs on network namespaces with the Sallyport daemon",
                "(and FRR for protocols ospf) on each router: router NAME, ping, await, show lab, Junos commands,",
                "restart router NAME (SIGKILL, then a new daemon on its store), fault link A B down|up|loss N%|duplicate N%|clear.",
                "Examples: ms-mpc, ike-digital-certificates, vrf-static, dynamic-peer, disable-natt, kmd-tracing."})
final class LabCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "topology file, or example:NAME")
    String topology;

    @Option(names = {"-c", "--command"}, paramLabel = "COMMAND",
            description = "run these shell commands (separated by ';') instead of reading standard input; stops at the first that fails")
    String commands;

    @Option(names = "--netns", description = "run the topology on real network namespaces (root): a namespace per node, "
            + "veth links, the Sallyport daemon (and the FRR it runs for protocols ospf) on each router")
    boolean netns;

    @Option(names = "--netns-prefix", paramLabel = "PREFIX", defaultValue = "spl-",
            description = "prefix of the namespaces' names with --netns (default: ${DEFAULT-VALUE})")
    String netnsPrefix;

    @Override
    public Integer call() {
        // The gateway logs every SA at INFO; in the lab those lines would bury the output the user asked for.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Topology t;
        try {
            t = topology.startsWith("example:") ? Topologies.example(topology.substring("example:".length()))
                    : Topologies.fromFile(Path.of(topology));
        } catch (LabException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String user = System.getProperty("user.name");
        if (netns) {
            return netns(t, user);
        }
        try (Lab lab = Lab.start(t); LabShellWiring wiring = new LabShellWiring(lab, user)) {
            lab.warnings().forEach(w -> System.out.println("warning: " + w));
            lab.awaitTunnels(30_000_000_000L);
            System.out.println(lab.banner());
            Shell shell = wiring.shell();
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
            if (commands != null) return ShellRunner.runCommandArgument(shell, commands, out, err);
            Console console = System.console();
            if (console == null || !console.isTerminal()) {
                return ShellRunner.runLines(shell, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out, err);
            }
            System.out.println("type help or ? for commands");
            return ShellRunner.runInteractive(shell, Path.of(System.getProperty("user.home"), ".sallyport_lab_history"));
        } catch (LabException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    /** {@code --netns}: the topology on namespaces, the daemon's jar (this one) on each router. */
    private int netns(Topology t, String user) {
        if (!"root".equals(user)) {
            System.err.println("error: lab --netns makes network namespaces: run it as root");
            return 2;
        }
        Path jar;
        try {
            jar = Path.of(LabCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            System.err.println("error: cannot find sallyport's jar: " + e.getMessage());
            return 2;
        }
        if (!jar.toString().endsWith(".jar")) {
            System.err.println("error: lab --netns runs the daemons from sallyport.jar (bin/sallyport); this is " + jar);
            return 2;
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        try (NetnsLab lab = NetnsLab.start(t, netnsPrefix, jar)) {
            // Ctrl-C ends the JVM without leaving the try: the hook still stops the daemons and removes the namespaces.
            Runtime.getRuntime().addShutdownHook(new Thread(lab::close, "netns-lab-close"));
            lab.warnings().forEach(w -> out.println("warning: " + w));
            out.print(lab.describe());
            out.flush();
            NetnsLabShell shell = new NetnsLabShell(lab, user, out, err);
            if (commands != null) {
                return shell.run(NetnsLabShell.split(commands));
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int status = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.strip().equals("quit") || line.strip().equals("exit")) {
                    break;
                }
                if (!line.isBlank()) {
                    status = shell.execute(line.strip()) ? 0 : 1;
                }
            }
            return status;
        } catch (LabException | IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
