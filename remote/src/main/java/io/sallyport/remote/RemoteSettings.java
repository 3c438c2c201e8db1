package io.sallyport.remote;

import io.sallyport.config.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the committed configuration asks of the remote servers: {@code system services ssh},
 * {@code netconf ssh} and {@code prometheus} (ports and addresses) and the {@code system login} users.
 *
 * @param ssh     the CLI (and NETCONF subsystem) listener, when {@code system services ssh} is set
 * @param netconf    the NETCONF-only listener, when {@code system services netconf ssh} is set
 * @param prometheus the metrics endpoint, when {@code system services prometheus} is set
 */
public record RemoteSettings(Optional<Listener> ssh, Optional<Listener> netconf, Optional<Listener> prometheus,
                             Map<String, LoginUser> users) {

    public static final int SSH_PORT = 22;
    public static final int NETCONF_PORT = 830;
    public static final int PROMETHEUS_PORT = 9464;
    /** Metrics carry tunnel and peer addresses and have no authentication: loopback unless configured. */
    public static final String PROMETHEUS_DEFAULT_ADDRESS = "127.0.0.1";

    public RemoteSettings {
        users = Map.copyOf(users);
    }

    /** Where a server listens; no addresses means every address of the host. */
    public record Listener(int port, List<String> addresses) {
        public Listener {
            addresses = List.copyOf(addresses);
        }
    }

    /** Reads the settings from a committed (so already checked) configuration tree. */
    public static RemoteSettings from(Node active) {
        Node root = active.activeOnly();
        Node system = root.child("system").orElse(Node.root());
        Node services = system.child("services").orElse(Node.root());
        Optional<Node> sshNode = services.child("ssh");
        List<String> addresses = sshNode.map(s -> s.values("addresses")).orElse(List.of());
        Optional<Listener> ssh = sshNode.map(s -> new Listener(port(s, SSH_PORT), addresses));
        Optional<Listener> netconf = services.child("netconf").flatMap(n -> n.child("ssh"))
                .map(n -> new Listener(port(n, NETCONF_PORT), addresses));
        Optional<Listener> prometheus = services.child("prometheus").map(p -> new Listener(port(p, PROMETHEUS_PORT),
                p.values("addresses").isEmpty() ? List.of(PROMETHEUS_DEFAULT_ADDRESS) : p.values("addresses")));
        Map<String, LoginUser> users = new LinkedHashMap<>();
        for (Node user : system.child("login").map(l -> l.all("user")).orElse(List.of())) {
            Optional<LoginClass> loginClass = user.value("class").flatMap(LoginClass::of);
            if (loginClass.isEmpty()) continue; // the commit check refuses this; never let a classless user in
            Node auth = user.child("authentication").orElse(Node.root());
            List<String> keys = List.of("ssh-rsa", "ssh-ecdsa", "ssh-ed25519").stream()
                    .flatMap(type -> auth.all(type).stream().map(Node::key)).toList();
            users.put(user.key(), new LoginUser(user.key(), loginClass.get(), auth.value("encrypted-password"), keys));
        }
        return new RemoteSettings(ssh, netconf, prometheus, users);
    }

    private static int port(Node service, int dflt) {
        return service.value("port").map(Integer::parseInt).orElse(dflt);
    }
}
