package io.sallyport.gateway.ops;

import java.util.List;

/**
 * One tunnel (rule term towards one remote gateway) of a service set, as
 * {@code show services ipsec-vpn ipsec security-associations} shows it.
 *
 * @param downReason why the tunnel has no installed SAs, in words, or null when it is up
 * @param redundancy {@code backup-remote-gateway} state, or null when the term has no backup
 */
public record IpsecTunnelView(
        String serviceSet, String routingInstance,
        String rule, String term, int tunnelIndex,
        String localGateway, String remoteGateway,
        String insideInterface, int tunnelMtu,
        boolean udpEncapsulate, int udpDestinationPort,
        String localIdentity, String remoteIdentity,
        List<IpsecSaView> sas, String downReason, Redundancy redundancy) {

    /** The primary and backup gateways of a term with {@code backup-remote-gateway}. */
    public record Redundancy(String primary, boolean primaryActive, String backup, int failovers) {
    }

    public IpsecTunnelView {
        sas = List.copyOf(sas);
    }

    /** The Junos phase-2 proxy-ID form of an IPv4 or IPv6 prefix. */
    public static String proxyId(String prefix) {
        return (prefix.contains(":") ? "ipv6_subnet" : "ipv4_subnet") + "(any:0,[0..7]=" + prefix + ")";
    }
}
