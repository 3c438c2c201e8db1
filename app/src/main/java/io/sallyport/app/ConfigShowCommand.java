package io.sallyport.app;

import io.sallyport.config.ConfigDisplay;
import io.sallyport.config.ConfigPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sallyport config show FILE}: the file as {@code show configuration} would print it. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print FILE in curly-brace form, or as set commands, JSON or XML.")
final class ConfigShowCommand implements Callable<Integer> {

    /** The display forms; {@code text} is the curly-brace form. */
    enum Display { text, set, json, xml }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Configuration in curly-brace or set form.")
    Path file;

    @Option(names = "--display", paramLabel = "FORM", defaultValue = "text",
            description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Display display;

    @Override
    public Integer call() {
        return switch (ConfigFile.read(file)) {
            case ConfigFile.Read.Failed f -> {
                spec.commandLine().getErr().println(f.message());
                yield 1;
            }
            case ConfigFile.Read.Parsed p -> {
                PrintWriter out = spec.commandLine().getOut();
                out.print(switch (display) {
                    case text -> ConfigPrinter.braces(p.tree());
                    case set -> ConfigPrinter.setCommands(p.tree());
                    case json -> ConfigDisplay.json(p.tree());
                    case xml -> ConfigDisplay.xml(p.tree());
                });
                out.flush();
                yield 0;
            }
        };
    }
}
