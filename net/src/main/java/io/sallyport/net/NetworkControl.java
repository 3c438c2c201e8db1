package io.sallyport.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Host routing state the gateway reads and changes: addresses, links, routes, policy rules and
 * VRF devices. Linux makes changes over rtnetlink and lists with {@code ip}; the lab keeps it in
 * memory. Every change either succeeds or throws {@link HostNetworkException} naming the change
 * as an {@code ip} command and the host's answer.
 */
public interface NetworkControl {

    List<HostAddress> addresses();

    List<LinkState> links();

    /** The addresses configured on {@code device}. */
    default List<HostAddress> addressesOn(final String device) {
        return addresses().stream().filter(a -> a.device().equals(device)).toList();
    }

    /** True when {@code address} is configured on some interface (the local-gateway check). */
    default boolean hasAddress(final InetAddress address) {
        return addresses().stream().anyMatch(a -> a.address().equals(address));
    }

    /** Adds an address to a device, for example a service unit's own address on its TUN device. */
    void addAddress(HostAddress address);

    void addRoute(Route route);

    void deleteRoute(Route route);

    void addRule(PolicyRule rule);

    void deleteRule(PolicyRule rule);

    /** {@code ip rule add priority P fwmark MARK lookup TABLE}: packets of sockets marked MARK use TABLE. */
    void addMarkRule(int priority, int mark, int table);

    void deleteMarkRule(int priority, int mark, int table);

    /** Creates VRF device {@code name} bound to {@code table} and brings it up. */
    void createVrf(String name, int table);

    /** Enslaves {@code device} to VRF {@code vrf}, or frees it when {@code vrf} is null. */
    void setMaster(String device, String vrf);

    void setLinkUp(String device, boolean up);

    void deleteLink(String device);

    /** Changes since the previous call (the first call reports nothing, it takes the baseline). */
    List<NetworkEvent> pollEvents();
}
