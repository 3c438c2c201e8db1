package io.sallyport.lab;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.PkiOperations;
import io.sallyport.gateway.pki.CertificateServices;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.Planner;
import io.sallyport.gateway.runtime.Gateway;
import io.sallyport.gateway.routing.PolicyRoutingInstances;
import io.sallyport.gateway.routing.RoutingCommands;
import io.sallyport.gateway.runtime.GatewayManagement;
import io.sallyport.gateway.runtime.LocalGatewayWatch;
import io.sallyport.gateway.runtime.TunnelState;
import io.sallyport.ike.KmdOptions;
import io.sallyport.pki.PkiStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A virtual router running the real gateway engine: its {@link Node} is the forwarding plane, its
 * {@link Gateway} the same code the Linux daemon runs, wired the same way (committed
 * configuration, {@link Planner}, {@link Gateway#apply}), on a {@link SteppingRunner}.
 */
public final class LabRouter {
    /** How often the router looks at its local gateways for gw-interface, as the daemon's host watch. */
    static final long LOCAL_GATEWAY_POLL_NANOS = 1_000_000_000L;
    private final String name;
    private final Node node;
    /** The committed configuration: the topology's, then each {@link #commit}'s (the lab shell's {@code configure}). */
    private Configuration configuration;
    private String configText;
    private final Simulation simulation;
    private final long seed;
    private int generation;
    private Gateway gateway;
    private GatewayManagement management;
    /** VRF routing instances as tables and rules of this router's virtual host, as on Linux. */
    private PolicyRoutingInstances instances;
    private List<String> instanceWarnings = List.of();
    private GatewayPlan plan;
    private LocalGatewayWatch localGateways;
    private long nextLocalGatewayPoll;
    private PkiStore pki;
    /** The running gateway's certificate caches (and store), kept across replans as the daemon keeps them. */
    private CertificateServices certificates;
    private final List<Topology.PkiStep> pkiSteps;
    private final List<String> pkiProblems = new ArrayList<>();

    LabRouter(String name, Node node, Configuration configuration, String configText, Simulation simulation,
              long seed, List<Topology.PkiStep> pkiSteps) {
        this.pkiSteps = List.copyOf(pkiSteps);
        this.name = name;
        this.node = node;
        this.configuration = configuration;
        this.configText = configText;
        this.simulation = simulation;
        this.seed = seed;
        simulation.add(this::pollLocalGateways);
    }

    /** The daemon's gw-interface watch on simulated time: link faults and address changes reach the gateway. */
    private int pollLocalGateways(long nowNanos) {
        if (localGateways == null || nowNanos < nextLocalGatewayPoll) {
            return 0;
        }
        nextLocalGatewayPoll = nowNanos + LOCAL_GATEWAY_POLL_NANOS;
        gateway.recreateDeletedDevices();
        return localGateways.poll(gateway);
    }

    /** Starts the gateway and applies the configuration (a restart starts a fresh one, new keys). */
    void start() {
        SecureRandom random;
        try {
            random = SecureRandom.getInstance("SHA1PRNG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA1PRNG", e);
        }
        // Seeded before first use, SHA1PRNG is deterministic: same lab, same SPIs and nonces.
        random.setSeed(seed + 31L * generation++);
        localGateways = new LocalGatewayWatch(new VirtualGatewayHost(node, simulation.network()));
        nextLocalGatewayPoll = simulation.nowNanos();
        gateway = new Gateway(localGateways.gatedHost(), new SteppingRunner(simulation),
                () -> random, KmdOptions.defaults(), trace -> { });
        certificates = new CertificateServices(pkiStore(), Clock.systemUTC());
        PkiOperations pkiOperations = new PkiOperations(pkiStore(), random, () -> configuration.pki().caProfiles().keySet());
        instances = new PolicyRoutingInstances(node.control(), () -> simulation.nowNanos() / 1_000_000_000L, false);
        management = new GatewayManagement(gateway, this::replan, () -> configText, pkiOperations,
                new RoutingCommands(Optional.empty(), instances, Optional.empty()));
        runPkiSteps(pkiOperations);
        replan();
        node.tunnelSource(this::sourceInsideTunnel);
    }

    /** Plans the configuration again (with the certificate store as it is now) and applies it. */
    private Reply replan() {
        plan = new Planner(node.control()::hasAddress, Optional.of(certificates)).plan(configuration);
        gateway.apply(plan);
        instanceWarnings = instances.apply(configuration, plan, node.control().addresses());
        return Reply.ok(instanceWarnings.stream().map(w -> "warning: " + w + "\n")
                .collect(java.util.stream.Collectors.joining()));
    }

    /** The topology's {@code pki} lines: their files go into the router's own directory, then the commands run. */
    private void runPkiSteps(PkiOperations operations) {
        pkiProblems.clear();
        Path files = pkiStore().root().getParent().resolve("files");
        for (Topology.PkiStep step : pkiSteps) {
            try {
                Files.createDirectories(files);
                List<String> words = new ArrayList<>(List.of(step.command().split("\\s+")));
                for (int i = 0; i + 1 < words.size(); i++) {
                    String file = words.get(i + 1);
                    if ((words.get(i).equals("filename") || words.get(i).equals("key")) && step.files().containsKey(file)) {
                        Path copy = files.resolve(Path.of(file).getFileName());
                        Files.writeString(copy, step.files().get(file));
                        words.set(i + 1, copy.toString());
                    }
                }
                OperationalCommand.Parsed parsed = OperationalCommand.parse(String.join(" ", words));
                Reply r = parsed.error() != null ? Reply.error(parsed.error()) : operations.execute(parsed.command());
                if (!r.ok()) {
                    pkiProblems.add("pki line " + step.line() + ": " + r.text().strip());
                }
            } catch (IOException e) {
                pkiProblems.add("pki line " + step.line() + ": " + e.getMessage());
            }
        }
    }

    /** Deletes the router's certificate store directory when the lab ends. */
    void discardCertificateStore() {
        if (pki == null) {
            return;
        }
        try (var all = Files.walk(pki.root().getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the lab router's certificate store", e);
        }
        pki = null;
    }

    /** The router's certificate store: a private directory for the life of the lab. */
    private PkiStore pkiStore() {
        if (pki == null) {
            try {
                Path dir = Files.createTempDirectory("sallyport-lab-" + name.replaceAll("[^A-Za-z0-9-]", "_") + "-");
                pki = new PkiStore(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the lab router's certificate store", e);
            }
        }
        return pki;
    }

    private java.util.Optional<java.net.InetAddress> sourceInsideTunnel(java.net.InetAddress destination) {
        return plan.tunnels().stream().filter(t -> contains(t.remotePrefix(), destination))
                .flatMap(t -> node.control().addresses().stream().map(a -> a.address())
                        .filter(a -> contains(t.localPrefix(), a)))
                .findFirst();
    }

    private static boolean contains(io.sallyport.net.IpPrefix prefix, java.net.InetAddress a) {
        byte[] net = prefix.address().getAddress();
        byte[] addr = a.getAddress();
        if (net.length != addr.length) {
            return false;
        }
        for (int bit = 0; bit < prefix.length(); bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((net[bit / 8] & mask) != (addr[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Stops the gateway cleanly: peers get their deletes. */
    void stop() {
        gateway.close();
        instances.close();
    }

    public String name() {
        return name;
    }

    public Node node() {
        return node;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The gw-interface watch of the running gateway (which local gateways are down, suppressed sends). */
    public LocalGatewayWatch localGateways() {
        return localGateways;
    }

    public Configuration configuration() {
        return configuration;
    }

    public GatewayPlan plan() {
        return plan;
    }

    public List<String> warnings() {
        List<String> all = new ArrayList<>(pkiProblems);
        all.addAll(plan.warnings());
        all.addAll(instanceWarnings);
        return all;
    }

    /**
     * Commits a whole configuration into the running router, as the daemon's reload does: the
     * commit check, then a plan applied to the running gateway (unchanged tunnels keep their
     * SAs). A configuration that fails the check changes nothing and says why.
     */
    public Reply commit(String text) {
        CheckResult check;
        try {
            check = CommitCheck.check(ConfigText.parse(text));
        } catch (ConfigSyntaxException e) {
            return Reply.error(e.getMessage() + "\n");
        }
        if (!check.succeeded()) {
            return Reply.error(check.render());
        }
        configuration = check.configuration().orElseThrow();
        configText = text;
        Reply r = replan();
        simulation.settle();
        return r;
    }

    /** Runs an operational command ({@code show ...}, {@code clear ...}) on this router's gateway. */
    public Reply execute(String command) {
        Reply r = management.execute(command);
        simulation.settle();
        return r;
    }

    /** True when every tunnel the plan can run has an installed SA pair. */
    public boolean tunnelsUp() {
        return runnableTunnels() > 0 && gateway.tunnels().stream()
                .filter(t -> t.plan().problem().isEmpty() && plan.serviceSets().stream()
                        .anyMatch(s -> s.name().equals(t.plan().serviceSet()) && s.problem().isEmpty()))
                .allMatch(t -> t.current() != null);
    }

    long runnableTunnels() {
        return gateway.tunnels().stream().filter(t -> t.plan().problem().isEmpty()).count();
    }

    /** Why tunnels are not up, one line each. */
    public List<String> tunnelProblems() {
        List<String> out = new java.util.ArrayList<>();
        gateway.serviceSetProblems().forEach((set, why) -> out.add(name + ": service-set " + set + ": " + why));
        for (TunnelState t : gateway.tunnels()) {
            if (t.current() == null) {
                out.add(name + ": tunnel " + t.plan().id() + ": "
                        + t.plan().problem().orElse(t.lastFailure() == null ? "not negotiated yet" : t.lastFailure()));
            }
        }
        return out;
    }
}
