package io.sallyport.app;

import io.sallyport.gateway.daemon.Daemon;
import io.sallyport.remote.RemoteAccess;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sallyport daemon --config FILE --state-dir DIR}: the gateway in the foreground. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Runs the gateway in the foreground on this Linux host.",
                "Needs root, or CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE.",
                "The store in --state-dir is the truth: the last commit runs. --config FILE seeds an",
                "empty store (it is ignored, with a log line, once the store has a commit, so a restart",
                "keeps CLI commits); with --load-config the file is committed even then.",
                "SIGHUP re-applies the active configuration from the store.",
                "Stop it with SIGTERM or Ctrl-C: peers get their deletes, devices and routes go away."})
final class DaemonCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Junos configuration (brace or set form) that seeds an empty store")
    Path config;

    @Option(names = "--load-config", description = "commit the --config file even when the store has an active configuration")
    boolean loadConfig;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "configuration store, control socket and trace files (default: $SALLYPORT_STATE_DIR, /var/lib/sallyport as root)")
    Path stateDir;

    @Override
    public Integer call() {
        Path dir = stateDir != null ? stateDir : StateDirectory.fromEnvironment();
        try {
            if (loadConfig && config == null) {
                System.err.println("error: --load-config needs --config FILE");
                return 2;
            }
            Daemon.start(Optional.ofNullable(config), loadConfig, dir, RemoteAccess.factory(CliCommand.systemHostName())).runUntilStopped();
            return 0;
        } catch (Daemon.DaemonException e) {
            System.err.println("error: " + e.getMessage());
            return 3;
        }
    }
}
