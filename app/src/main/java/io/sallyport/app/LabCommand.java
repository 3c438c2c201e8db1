package io.sallyport.app;

import io.sallyport.lab.Lab;
import io.sallyport.lab.LabException;
import io.sallyport.lab.LabShell;
import io.sallyport.lab.Topologies;
import io.sallyport.lab.Topology;
import java.io.BufferedReader;
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
                "a shell on it: router NAME, show/clear, ping, traceroute, fault, restart, advance.",
                "Examples: ms-mpc, ike-digital-certificates, vrf-static, dynamic-peer, disable-natt, kmd-tracing."})
final class LabCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "topology file, or example:NAME")
    String topology;

    @Option(names = {"-c", "--command"}, paramLabel = "COMMAND",
            description = "run these shell commands (separated by ';') instead of reading standard input")
    String commands;

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
        try (Lab lab = Lab.start(t)) {
            lab.warnings().forEach(w -> System.out.println("warning: " + w));
            lab.awaitTunnels(30_000_000_000L);
            System.out.println(lab.banner());
            LabShell shell = new LabShell(lab, System.out);
            if (commands != null) {
                for (String c : commands.split(";")) {
                    System.out.println("> " + c.trim());
                    if (!shell.execute(c)) {
                        break;
                    }
                }
                return 0;
            }
            System.out.println("type help for commands");
            shell.run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            return 0;
        } catch (LabException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: reading commands: " + e.getMessage());
            return 2;
        }
    }
}
