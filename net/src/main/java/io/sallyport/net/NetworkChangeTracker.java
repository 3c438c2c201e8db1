package io.sallyport.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns successive snapshots of links and addresses into {@link NetworkEvent}s. Pure: the caller
 * takes the snapshots (by polling {@code ip}, or from the lab), this only compares them.
 * A link counts as up when it is administratively up and has carrier.
 */
public final class NetworkChangeTracker {

    private Map<String, Boolean> links;
    private Set<HostAddress> addresses;

    /** Events since the previous snapshot; the first snapshot only sets the baseline. */
    public List<NetworkEvent> update(final List<LinkState> linkSnapshot, final List<HostAddress> addressSnapshot) {
        final Map<String, Boolean> nowLinks = new HashMap<>();
        for (final LinkState l : linkSnapshot) {
            nowLinks.put(l.name(), l.up() && l.operUp());
        }
        final Set<HostAddress> nowAddresses = new LinkedHashSet<>(addressSnapshot);
        final List<NetworkEvent> events = new ArrayList<>();
        if (links != null) {
            for (final LinkState l : linkSnapshot) {
                final boolean up = nowLinks.get(l.name());
                final Boolean before = links.get(l.name());
                if (before == null ? up : before != up) {
                    events.add(up ? new NetworkEvent.LinkUp(l.name()) : new NetworkEvent.LinkDown(l.name()));
                }
            }
            for (final Map.Entry<String, Boolean> old : links.entrySet()) {
                if (old.getValue() && !nowLinks.containsKey(old.getKey())) {
                    events.add(new NetworkEvent.LinkDown(old.getKey()));
                }
            }
            for (final HostAddress a : addresses) {
                if (!nowAddresses.contains(a)) {
                    events.add(new NetworkEvent.AddressRemoved(a));
                }
            }
            for (final HostAddress a : nowAddresses) {
                if (!addresses.contains(a)) {
                    events.add(new NetworkEvent.AddressAdded(a));
                }
            }
        }
        links = nowLinks;
        addresses = nowAddresses;
        return events;
    }
}
