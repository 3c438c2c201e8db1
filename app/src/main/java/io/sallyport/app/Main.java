package io.sallyport.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sallyport} command. Each subcommand is one class listed here; the integrator adds
 * {@code daemon}, {@code demo} and {@code lab} the same way.
 */
@Command(name = "sallyport",
        mixinStandardHelpOptions = true,
        versionProvider = SallyportVersion.class,
        description = "An IPsec VPN gateway configured and operated like Junos VPN Site Secure.",
        subcommands = {DemoCommand.class, LabCommand.class, ConfigCommand.class, CliCommand.class, DaemonCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and for tests that capture its output. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    /** {@code sallyport} alone prints the usage: there is no default action to guess. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
