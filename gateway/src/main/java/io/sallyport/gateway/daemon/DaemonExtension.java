package io.sallyport.gateway.daemon;

import io.sallyport.config.Node;
import io.sallyport.gateway.mgmt.ManagementApi;
import java.nio.file.Path;

/**
 * A service that runs beside the gateway in the daemon and follows the committed configuration:
 * module {@code remote} (SSH, NETCONF) plugs in here, so the daemon never imports it.
 */
public interface DaemonExtension extends AutoCloseable {

    /** No extension: the daemon alone. */
    DaemonExtension NONE = new DaemonExtension() {
        @Override public void configure(Node active) { }
        @Override public void close() { }
    };

    /** Called with the committed configuration at start and after every reload. */
    void configure(Node active);

    @Override
    void close();

    /** Starts the extension once the gateway exists; commands reach the gateway through {@code management}. */
    @FunctionalInterface
    interface Factory {
        DaemonExtension start(Path stateDir, ManagementApi management);
    }
}
