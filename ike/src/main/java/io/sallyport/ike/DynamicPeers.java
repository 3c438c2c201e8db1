package io.sallyport.ike;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Dynamic endpoints (Junos {@code ike-access-profile}): a peer configured with the unspecified
 * remote address ({@code 0.0.0.0} or {@code ::}) is a template that answers IKE_SA_INIT from any
 * address. Each initiator gets an instance of it: the same configuration with its own address,
 * named {@code TEMPLATE@ADDRESS} ({@code TEMPLATE@ADDRESS:PORT} when it came from another port
 * than 500, behind a NAT), so that every dynamic peer is a peer of its own for the gateway.
 * Instances are never configured: kmd makes them for its responder SAs only.
 */
public final class DynamicPeers {

    private DynamicPeers() {
    }

    /** Whether {@code p} answers any peer address (its remote address is unspecified). */
    public static boolean isTemplate(PeerConfig p) {
        return p.remoteAddress().isAnyLocalAddress();
    }

    /** The instance of {@code template} for the initiator at {@code remote}. */
    public static PeerConfig instance(PeerConfig template, InetSocketAddress remote) {
        String where = remote.getAddress().getHostAddress() + (remote.getPort() == 500 ? "" : ":" + remote.getPort());
        return instance(template, where, remote.getAddress());
    }

    /**
     * The instance of {@code template} whose name ends in {@code where} (the address part of an
     * instance name: a NAT-T peer's IKE SA moves to port 4500, its name stays), at {@code remote}.
     */
    public static PeerConfig instance(PeerConfig template, String where, InetAddress remote) {
        return new PeerConfig(template.name() + "@" + where, template.localAddress(), remote, template.localId(),
                template.remoteId(), template.authenticator(), template.ikeProposals(), template.childProposals(),
                template.localSelectors(), template.remoteSelectors(), template.dpd(), template.natTraversal(), false,
                template.natKeepaliveSeconds(), template.exchange(), template.nattInstallIntervalSeconds());
    }

    /** The template name of an instance name ({@code TEMPLATE@ADDRESS}); empty for other names. */
    public static Optional<String> templateName(String peer) {
        int at = peer.lastIndexOf('@');
        return at <= 0 ? Optional.empty() : Optional.of(peer.substring(0, at));
    }

    /** The address part of an instance name ({@code ADDRESS} or {@code ADDRESS:PORT}); empty for other names. */
    public static Optional<String> where(String peer) {
        int at = peer.lastIndexOf('@');
        return at <= 0 ? Optional.empty() : Optional.of(peer.substring(at + 1));
    }

    /** The unspecified address of {@code a}'s family: the key templates are found under. */
    static InetAddress unspecified(InetAddress a) {
        return InetAddress.ofLiteral(a instanceof java.net.Inet4Address ? "0.0.0.0" : "::");
    }
}
