package io.sallyport.remote;

import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ControlServer;
import io.sallyport.lab.Lab;
import io.sallyport.lab.LabRouter;
import io.sallyport.lab.Topologies;
import java.nio.file.Path;

/**
 * A real gateway behind the state directory's control socket: router1 of the reference's
 * two-router example (§5.1) in the in-JVM lab, with its IKE and IPsec SAs negotiated and five
 * pings through the tunnel. What the
 * CLI and NETCONF ask the "daemon" is answered by that router's own management API.
 */
public final class LabDaemon implements AutoCloseable {
    private static final long NEGOTIATION_LIMIT_NANOS = 30_000_000_000L;

    private final Lab lab;
    private final ControlServer control;

    public LabDaemon(Path stateDir) throws Exception {
        this.lab = Lab.start(Topologies.example("ms-mpc"));
        if (!lab.awaitTunnels(NEGOTIATION_LIMIT_NANOS)) throw new IllegalStateException("the lab's tunnels did not come up");
        // Traffic through the tunnel, so its counters are not all zero.
        var ping = lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 5);
        if (!ping.allReceived()) throw new IllegalStateException("no ping through the lab's tunnel:\n" + ping.render());
        LabRouter r1 = lab.router("router1").orElseThrow();
        // One command at a time: the lab's simulation is single-threaded.
        this.control = new ControlServer(ControlProtocol.socketPath(stateDir), line -> {
            synchronized (lab) {
                return r1.execute(line);
            }
        });
    }

    /** What {@code show ...} says on router1, straight from its management API. */
    public String show(String command) {
        synchronized (lab) {
            return lab.router("router1").orElseThrow().execute(command).text();
        }
    }

    @Override
    public void close() throws Exception {
        control.close();
        lab.close();
    }
}
