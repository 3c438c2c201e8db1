package io.sallyport.app;

import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sallyport config check FILE}: would this configuration commit? */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Run the commit checks on FILE, as 'commit check' would.",
                "Exit 0 if it would commit (warnings are printed), 1 with the errors otherwise."})
final class ConfigCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Configuration in curly-brace or set form.")
    Path file;

    @Override
    public Integer call() {
        return switch (ConfigFile.read(file)) {
            case ConfigFile.Read.Failed f -> {
                spec.commandLine().getErr().println(f.message());
                yield 1;
            }
            case ConfigFile.Read.Parsed p -> {
                CheckResult result = CommitCheck.check(p.tree());
                PrintWriter to = result.succeeded() ? spec.commandLine().getOut() : spec.commandLine().getErr();
                to.print(result.render());
                to.flush();
                yield result.succeeded() ? 0 : 1;
            }
        };
    }
}
