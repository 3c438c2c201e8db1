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
                "With --config, the file is committed first; without it, the last commit runs.",
                "Stop it with SIGTERM or Ctrl-C: peers get their deletes, devices and routes go away."})
final class DaemonCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Junos configuration (brace or set form) to commit and run")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "configuration store, control socket and trace files (default: $SALLYPORT_STATE_DIR, /var/lib/sallyport as root)")
    Path stateDir;

    @Override
    public Integer call() {
        Path dir = stateDir != null ? stateDir : StateDirectory.fromEnvironment();
        try {
            Daemon.start(Optional.ofNullable(config), dir, RemoteAccess.factory(CliCommand.systemHostName())).runUntilStopped();
            return 0;
        } catch (Daemon.DaemonException e) {
            System.err.println("error: " + e.getMessage());
            return 3;
        }
    }
}
