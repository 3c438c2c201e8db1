package io.sallyport.remote;

import io.sallyport.cli.CommandGuard;
import io.sallyport.cli.DaemonLink;
import io.sallyport.cli.Shell;
import io.sallyport.cli.StoreSession;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the Sallyport CLI for a remote user: the real {@link Shell} over the state directory's
 * store and the daemon's control socket, with the user's class enforced and logged.
 */
public final class Shells {
    private final Path stateDir;
    private final String systemHost;

    public Shells(Path stateDir, String systemHost) {
        this.stateDir = stateDir;
        this.systemHost = systemHost;
    }

    public Path stateDir() { return stateDir; }

    public String systemHost() { return systemHost; }

    public Shell open(RemoteUser user) throws IOException {
        AuditedConfigSession store = new AuditedConfigSession(StoreSession.open(stateDir, user.name()), user);
        return new Shell(store, new DaemonLink(stateDir), user.name(), systemHost).guardedBy(guard(user));
    }

    static CommandGuard guard(RemoteUser user) {
        return (configurationMode, words) -> user.loginClass().refusal(configurationMode, words).map(message -> {
            Audit.refused(user.name(), user.source(), String.join(" ", words));
            return message;
        });
    }
}
