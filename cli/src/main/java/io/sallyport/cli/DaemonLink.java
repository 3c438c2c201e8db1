package io.sallyport.cli;

import io.sallyport.gateway.mgmt.ControlClient;
import io.sallyport.gateway.mgmt.ControlProtocol;
import java.io.IOException;
import java.nio.file.Path;

/** The shell's way to the daemon: the control socket in the state directory. */
public final class DaemonLink implements ControlChannel {
    /** What the shell sends after a commit so a running daemon applies the new configuration. */
    public static final String RELOAD = "request sallyport reload";

    private final Path stateDir;
    private final Path socket;
    private final ControlClient client;

    public DaemonLink(Path stateDir) {
        this.stateDir = stateDir;
        this.socket = ControlProtocol.socketPath(stateDir);
        this.client = new ControlClient(socket);
    }

    /** The daemon's answer, or why there is none. */
    public sealed interface Answer {
        record Reply(ControlProtocol.Reply reply) implements Answer { }

        record NotRunning(String message) implements Answer { }
    }

    /** The state directory the shell and the daemon share (configuration store, certificate store). */
    @Override
    public Path stateDir() {
        return stateDir;
    }

    public boolean socketExists() {
        return client.daemonSocketExists();
    }

    @Override
    public boolean running() {
        return socketExists();
    }

    @Override
    public Answer execute(String commandLine) {
        if (!client.daemonSocketExists()) {
            return new Answer.NotRunning("error: the Sallyport daemon is not running (no control socket at " + socket + ")");
        }
        try {
            return new Answer.Reply(client.execute(commandLine));
        } catch (IOException e) {
            return new Answer.NotRunning("error: the Sallyport daemon is not answering on " + socket + " (" + e.getMessage() + ")");
        }
    }
}
