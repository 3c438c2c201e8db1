package io.sallyport.app;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the configuration store and the daemon's control socket live: {@code $SALLYPORT_STATE_DIR},
 * else {@code /var/lib/sallyport} for root, else {@code ~/.local/state/sallyport} (the XDG state
 * location) so an unprivileged user can try the shell.
 */
final class StateDirectory {
    static final String ENV = "SALLYPORT_STATE_DIR";

    private StateDirectory() {
    }

    static Path resolve(Map<String, String> env, String userName, Path home) {
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        if (userName.equals("root")) return Path.of("/var/lib/sallyport");
        return home.resolve(".local/state/sallyport");
    }

    static Path fromEnvironment() {
        return resolve(System.getenv(), System.getProperty("user.name"), Path.of(System.getProperty("user.home")));
    }
}
