package io.sallyport.app;

import picocli.CommandLine.Command;

/** {@code sallyport config}: work on configuration files without a state directory or daemon. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check or print a Junos configuration file (curly-brace or set form).",
        subcommands = {ConfigCheckCommand.class, ConfigShowCommand.class})
final class ConfigCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
