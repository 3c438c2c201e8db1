package io.sallyport.gateway.mgmt;

import java.nio.file.Path;

/**
 * The daemon's local control socket: a Unix-domain stream socket in the state directory. One
 * connection carries one request line (UTF-8, ending in a newline); the daemon answers with a
 * status line ({@link #OK} or {@link #ERROR}), the reply text, and closes the connection.
 */
public final class ControlProtocol {
    public static final String OK = "%ok";
    public static final String ERROR = "%error";
    public static final String SOCKET_NAME = "sallyport.sock";

    private ControlProtocol() {
    }

    public static Path socketPath(Path stateDir) {
        return stateDir.resolve(SOCKET_NAME);
    }

    /** A reply: the text to print and whether the command succeeded. */
    public record Reply(boolean ok, String text) {
        public static Reply ok(String text) { return new Reply(true, text); }
        public static Reply error(String text) { return new Reply(false, text); }
    }
}
