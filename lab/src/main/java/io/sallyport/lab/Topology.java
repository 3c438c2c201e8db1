package io.sallyport.lab;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lab topology, parsed from a {@code .lab} file. One statement per line, {@code #} comments:
 *
 * <pre>
 * router NAME config FILE
 * host NAME address A.B.C.D/LEN gateway A.B.C.D
 * link NODE [INTERFACE] NODE [INTERFACE] [latency DURATION]
 * </pre>
 *
 * A router's {@code FILE} (relative to the topology file) is its Junos configuration. A link
 * names an interface for each router end ({@code ge-0/0/0} means unit 0) and none for a host.
 * Nodes are declared before the links that use them.
 */
public record Topology(String source, List<RouterSpec> routers, List<HostSpec> hosts, List<LinkSpec> links) {
    /** One-way latency of a link unless the file says otherwise. */
    public static final long DEFAULT_LATENCY_NANOS = 1_000_000L;

    /**
     * A router and the {@code request security pki ...} commands it runs when it starts ({@code pki}
     * lines), with the files they name, read next to the topology.
     */
    public record RouterSpec(String name, String configFile, String configText, int line, List<PkiStep> pki) {
        public RouterSpec {
            pki = List.copyOf(pki);
        }

        public RouterSpec(String name, String configFile, String configText, int line) {
            this(name, configFile, configText, line, List.of());
        }
    }

    /** {@code pki ROUTER request security pki ...}: the command and the files its filename/key words name. */
    public record PkiStep(String command, Map<String, String> files, int line) {
        public PkiStep {
            files = Map.copyOf(files);
        }
    }

    public record HostSpec(String name, InetAddress address, int prefixLength, InetAddress gateway, int line) {
    }

    /** An end of a link: a node and, for a router, its interface unit ({@code ge-0/0/0.0}). */
    public record End(String node, Optional<String> device) {
        @Override
        public String toString() {
            return device.map(d -> node + " " + d).orElse(node);
        }
    }

    public record LinkSpec(End a, End b, long latencyNanos, int line) {
    }

    /** Reads a router's configuration file named in the topology. */
    @FunctionalInterface
    public interface ConfigLoader {
        String load(String file) throws java.io.IOException;
    }

    /**
     * Parses topology text; {@code source} names it in errors.
     *
     * @throws LabException naming the line and what is wrong
     */
    public static Topology parse(String text, String source, ConfigLoader loader) throws LabException {
        List<RouterSpec> routers = new ArrayList<>();
        List<HostSpec> hosts = new ArrayList<>();
        List<LinkSpec> links = new ArrayList<>();
        Map<String, Boolean> isRouter = new LinkedHashMap<>();
        Map<String, List<PkiStep>> pki = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String[] w = line.trim().split("\\s+");
            if (w.length == 1 && w[0].isEmpty()) {
                continue;
            }
            Where where = new Where(source, lineNo);
            switch (w[0]) {
                case "router" -> {
                    if (w.length != 4 || !w[2].equals("config")) {
                        throw where.error("expected 'router NAME config FILE'");
                    }
                    declare(isRouter, w[1], true, where);
                    String config;
                    try {
                        config = loader.load(w[3]);
                    } catch (java.io.IOException e) {
                        throw where.error("cannot read configuration " + w[3] + ": " + e.getMessage());
                    }
                    routers.add(new RouterSpec(w[1], w[3], config, lineNo));
                }
                case "host" -> {
                    if (w.length != 6 || !w[2].equals("address") || !w[4].equals("gateway")) {
                        throw where.error("expected 'host NAME address A.B.C.D/LEN gateway A.B.C.D'");
                    }
                    declare(isRouter, w[1], false, where);
                    int slash = w[3].indexOf('/');
                    if (slash < 0) {
                        throw where.error("host address needs a prefix length: " + w[3]);
                    }
                    InetAddress address = ipv4(w[3].substring(0, slash), where);
                    int len;
                    try {
                        len = Integer.parseInt(w[3].substring(slash + 1));
                    } catch (NumberFormatException e) {
                        len = -1;
                    }
                    if (len < 1 || len > 32) {
                        throw where.error("prefix length must be 1..32: " + w[3]);
                    }
                    hosts.add(new HostSpec(w[1], address, len, ipv4(w[5], where), lineNo));
                }
                case "link" -> links.add(link(w, isRouter, where));
                case "pki" -> {
                    if (w.length < 5 || !w[2].equals("request") || !w[3].equals("security") || !w[4].equals("pki")) {
                        throw where.error("expected 'pki ROUTER request security pki ...'");
                    }
                    if (!Boolean.TRUE.equals(isRouter.get(w[1]))) {
                        throw where.error("unknown router " + w[1] + " (declare it before its pki lines)");
                    }
                    Map<String, String> files = new LinkedHashMap<>();
                    for (int k = 5; k + 1 < w.length; k++) {
                        if (w[k].equals("filename") || w[k].equals("key")) {
                            try {
                                files.put(w[k + 1], loader.load(w[k + 1]));
                            } catch (java.io.IOException e) {
                                throw where.error("cannot read " + w[k + 1] + ": " + e.getMessage());
                            }
                        }
                    }
                    pki.computeIfAbsent(w[1], r -> new ArrayList<>())
                            .add(new PkiStep(String.join(" ", List.of(w).subList(2, w.length)), files, lineNo));
                }
                default -> throw where.error("unknown statement '" + w[0] + "' (expected router, host, link or pki)");
            }
        }
        if (routers.isEmpty() && hosts.isEmpty()) {
            throw new LabException(source + ": no routers or hosts");
        }
        List<RouterSpec> withPki = routers.stream().map(r -> new RouterSpec(r.name(), r.configFile(), r.configText(), r.line(),
                pki.getOrDefault(r.name(), List.of()))).toList();
        return new Topology(source, withPki, hosts, links);
    }

    private record Where(String source, int line) {
        LabException error(String message) {
            return new LabException(source + ":" + line + ": " + message);
        }
    }

    private static void declare(Map<String, Boolean> names, String name, boolean router, Where where)
            throws LabException {
        if (names.putIfAbsent(name, router) != null) {
            throw where.error("node " + name + " is declared twice");
        }
    }

    private static LinkSpec link(String[] w, Map<String, Boolean> isRouter, Where where) throws LabException {
        int[] at = {1};
        End a = end(w, at, isRouter, where);
        End b = end(w, at, isRouter, where);
        long latency = DEFAULT_LATENCY_NANOS;
        while (at[0] < w.length) {
            if (w[at[0]].equals("latency") && at[0] + 1 < w.length) {
                latency = Durations.parse(w[at[0] + 1]);
                if (latency < 0) {
                    throw where.error("not a duration: " + w[at[0] + 1] + " (examples: 500us, 2ms)");
                }
                at[0] += 2;
            } else {
                throw where.error("unexpected '" + w[at[0]] + "' in link (expected latency DURATION)");
            }
        }
        if (a.node().equals(b.node())) {
            throw where.error("a link joins two different nodes");
        }
        return new LinkSpec(a, b, latency, where.line());
    }

    private static End end(String[] w, int[] at, Map<String, Boolean> isRouter, Where where) throws LabException {
        if (at[0] >= w.length) {
            throw where.error("expected 'link NODE [INTERFACE] NODE [INTERFACE] [latency DURATION]'");
        }
        String node = w[at[0]++];
        Boolean router = isRouter.get(node);
        if (router == null) {
            throw where.error("unknown node " + node + " (declare routers and hosts before links)");
        }
        if (!router) {
            return new End(node, Optional.empty());
        }
        if (at[0] >= w.length) {
            throw where.error("router " + node + " needs an interface name in a link");
        }
        String device = w[at[0]++];
        return new End(node, Optional.of(device.contains(".") ? device : device + ".0"));
    }

    private static InetAddress ipv4(String text, Where where) throws LabException {
        if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw where.error("not an IPv4 address: " + text);
        }
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw where.error("not an IPv4 address: " + text);
        }
    }
}
