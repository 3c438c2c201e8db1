package io.sallyport.net.virtual;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.LinkState;
import io.sallyport.net.NetworkChangeTracker;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.NetworkEvent;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The routing state of one virtual host, in memory: what {@code ip} would show on Linux. It
 * refuses what the kernel refuses (a route to a missing device, a duplicate, deleting something
 * absent) with a {@link HostNetworkException}, so gateway code meets the same failures in the lab.
 */
public final class VirtualNetworkControl implements NetworkControl {

    private final Map<String, LinkState> links = new LinkedHashMap<>();
    private final List<HostAddress> addresses = new ArrayList<>();
    private final Set<Route> routes = new LinkedHashSet<>();
    private final Set<PolicyRule> rules = new LinkedHashSet<>();
    private final Map<String, String> masters = new LinkedHashMap<>();
    private final Map<String, Integer> vrfTables = new LinkedHashMap<>();
    private final NetworkChangeTracker tracker = new NetworkChangeTracker();
    private int nextIndex = 1;

    /** Adds an interface (up, with carrier), as the lab's topology describes it. */
    public void addLink(final String name, final int mtu) {
        if (links.containsKey(name)) {
            throw new HostNetworkException("virtual link " + name + " already exists");
        }
        links.put(name, new LinkState(name, nextIndex++, true, true, mtu));
    }

    /** Carrier loss or return on an existing interface (cable pulled, peer gone). */
    public void setCarrier(final String name, final boolean carrier) {
        final LinkState l = existing(name);
        links.put(name, new LinkState(name, l.index(), l.up(), carrier, l.mtu()));
    }

    @Override
    public void addAddress(final HostAddress address) {
        existing(address.device());
        if (!addresses.contains(address)) {
            addresses.add(address);
        }
    }

    public void removeAddress(final HostAddress address) {
        if (!addresses.remove(address)) {
            throw new HostNetworkException("virtual address " + address + " does not exist");
        }
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public List<PolicyRule> rules() {
        return List.copyOf(rules);
    }

    /** The VRF a device is enslaved to, if any. */
    public Optional<String> masterOf(final String device) {
        return Optional.ofNullable(masters.get(device));
    }

    /**
     * Longest-prefix match in {@code table} (0 = main), ignoring routes via down devices; an
     * unreachable route loses to any other route of the same length (it has the last metric).
     * A hit may be {@link Route#isUnreachable()}: the lookup ends there without a next hop.
     */
    public Optional<Route> lookup(final InetAddress destination, final int table) {
        Route best = null;
        for (final Route r : routes) {
            if (r.table() != table || !contains(r, destination) || !usable(r)) {
                continue;
            }
            if (best == null || r.destination().length() > best.destination().length()
                    || r.destination().length() == best.destination().length() && best.isUnreachable()) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    private boolean usable(final Route r) {
        if (r.isUnreachable()) {
            return true;
        }
        final LinkState l = links.get(r.device());
        return l != null && l.up() && l.operUp();
    }

    private static boolean contains(final Route r, final InetAddress a) {
        final byte[] net = r.destination().address().getAddress();
        final byte[] addr = a.getAddress();
        if (net.length != addr.length) {
            return false;
        }
        for (int bit = 0; bit < r.destination().length(); bit++) {
            final int mask = 0x80 >>> (bit % 8);
            if ((net[bit / 8] & mask) != (addr[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private LinkState existing(final String name) {
        final LinkState l = links.get(name);
        if (l == null) {
            throw new HostNetworkException("Cannot find device \"" + name + "\" (virtual host)");
        }
        return l;
    }

    @Override
    public List<HostAddress> addresses() {
        return List.copyOf(addresses);
    }

    @Override
    public List<LinkState> links() {
        return List.copyOf(links.values());
    }

    @Override
    public void addRoute(final Route route) {
        if (!route.isUnreachable()) {
            existing(route.device());
        }
        if (!routes.add(route)) {
            throw new HostNetworkException("route " + route.destination() + " dev " + route.device()
                    + " table " + route.table() + ": File exists (virtual host)");
        }
    }

    @Override
    public void deleteRoute(final Route route) {
        if (!routes.remove(route)) {
            throw new HostNetworkException("route " + route.destination() + " dev " + route.device()
                    + ": No such process (virtual host)");
        }
    }

    @Override
    public void addRule(final PolicyRule rule) {
        if (!rules.add(rule)) {
            throw new HostNetworkException("rule priority " + rule.priority() + ": File exists (virtual host)");
        }
    }

    @Override
    public void deleteRule(final PolicyRule rule) {
        if (!rules.remove(rule)) {
            throw new HostNetworkException("rule priority " + rule.priority()
                    + ": No such file or directory (virtual host)");
        }
    }

    /** Mark rules, as "priority mark table": kept for inspection; the lab's sockets carry no marks. */
    private final java.util.Set<String> markRules = new java.util.LinkedHashSet<>();

    @Override
    public void addMarkRule(final int priority, final int mark, final int table) {
        if (!markRules.add(priority + " " + mark + " " + table)) {
            throw new HostNetworkException("rule priority " + priority + " fwmark " + mark + ": File exists (virtual host)");
        }
    }

    @Override
    public void deleteMarkRule(final int priority, final int mark, final int table) {
        if (!markRules.remove(priority + " " + mark + " " + table)) {
            throw new HostNetworkException("rule priority " + priority + " fwmark " + mark
                    + ": No such file or directory (virtual host)");
        }
    }

    @Override
    public void createVrf(final String name, final int table) {
        addLink(name, 65575);
        vrfTables.put(name, table);
    }

    /** The routing table of VRF {@code name}, if it is one. */
    public Optional<Integer> vrfTable(final String name) {
        return Optional.ofNullable(vrfTables.get(name));
    }

    @Override
    public void setMaster(final String device, final String vrf) {
        existing(device);
        if (vrf == null) {
            masters.remove(device);
        } else {
            existing(vrf);
            masters.put(device, vrf);
        }
    }

    @Override
    public void setLinkUp(final String device, final boolean up) {
        final LinkState l = existing(device);
        links.put(device, new LinkState(device, l.index(), up, l.operUp(), l.mtu()));
    }

    @Override
    public void deleteLink(final String device) {
        existing(device);
        links.remove(device);
        addresses.removeIf(a -> a.device().equals(device));
        routes.removeIf(r -> r.device().equals(device));
        masters.remove(device);
        masters.values().removeIf(device::equals);
        vrfTables.remove(device);
    }

    @Override
    public List<NetworkEvent> pollEvents() {
        return tracker.update(links(), addresses());
    }
}
