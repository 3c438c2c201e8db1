package io.sallyport.ike;

import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.util.List;

/**
 * kmd's own description of one peer (the gateway maps Junos configuration onto it).
 *
 * @param remoteId       null accepts any identity the peer authenticates with
 * @param natTraversal   false for {@code disable-natt}: no NAT-D payloads, no move to 4500
 * @param establishImmediately {@code establish-tunnels immediately} versus on traffic
 * @param natKeepaliveSeconds  {@code nat-keepalive}: keepalive interval when we are behind a NAT,
 *                             0 for the engine's default ({@link KmdOptions#keepaliveNanos()})
 * @param exchange             IKEv2, or IKEv1 in main or aggressive mode (the IKE policy's
 *                             {@code version} and {@code mode})
 * @param nattInstallIntervalSeconds {@code natt-install-interval} 0..10: how long a child SA in UDP
 *                             (NAT-T) waits before kmd hands it to the data plane ({@link InstallDelay})
 */
public record PeerConfig(String name, InetAddress localAddress, InetAddress remoteAddress,
                         Identity localId, Identity remoteId, Authenticator authenticator,
                         List<IkeProposal> ikeProposals, List<ChildProposal> childProposals,
                         List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors,
                         Dpd dpd, boolean natTraversal, boolean establishImmediately, int natKeepaliveSeconds,
                         Exchange exchange, int nattInstallIntervalSeconds) {

    /** The IKE version and, for IKEv1, the phase-1 mode; {@link #display()} is what show output prints. */
    public enum Exchange {
        IKEV2("IKEv2"), MAIN("Main"), AGGRESSIVE("Aggressive");

        private final String display;

        Exchange(String display) { this.display = display; }

        public String display() { return display; }

        public boolean isIkev1() { return this != IKEV2; }
    }

    /** A peer without {@code natt-install-interval}. */
    public PeerConfig(String name, InetAddress localAddress, InetAddress remoteAddress,
                      Identity localId, Identity remoteId, Authenticator authenticator,
                      List<IkeProposal> ikeProposals, List<ChildProposal> childProposals,
                      List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors,
                      Dpd dpd, boolean natTraversal, boolean establishImmediately, int natKeepaliveSeconds,
                      Exchange exchange) {
        this(name, localAddress, remoteAddress, localId, remoteId, authenticator, ikeProposals, childProposals,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, natKeepaliveSeconds, exchange, 0);
    }

    /** An IKEv2 peer. */
    public PeerConfig(String name, InetAddress localAddress, InetAddress remoteAddress,
                      Identity localId, Identity remoteId, Authenticator authenticator,
                      List<IkeProposal> ikeProposals, List<ChildProposal> childProposals,
                      List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors,
                      Dpd dpd, boolean natTraversal, boolean establishImmediately, int natKeepaliveSeconds) {
        this(name, localAddress, remoteAddress, localId, remoteId, authenticator, ikeProposals, childProposals,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, natKeepaliveSeconds, Exchange.IKEV2);
    }

    /** A peer with the engine's default NAT keepalive interval. */
    public PeerConfig(String name, InetAddress localAddress, InetAddress remoteAddress,
                      Identity localId, Identity remoteId, Authenticator authenticator,
                      List<IkeProposal> ikeProposals, List<ChildProposal> childProposals,
                      List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors,
                      Dpd dpd, boolean natTraversal, boolean establishImmediately) {
        this(name, localAddress, remoteAddress, localId, remoteId, authenticator, ikeProposals, childProposals,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, 0);
    }

    public PeerConfig {
        if (ikeProposals.isEmpty() || childProposals.isEmpty()) {
            throw new IllegalArgumentException("peer " + name + " needs IKE and child proposals");
        }
        java.util.Objects.requireNonNull(exchange);
        if (nattInstallIntervalSeconds < 0 || nattInstallIntervalSeconds > 10) {
            throw new IllegalArgumentException("natt-install-interval must be 0..10");
        }
        ikeProposals = List.copyOf(ikeProposals);
        childProposals = List.copyOf(childProposals);
        localSelectors = List.copyOf(localSelectors);
        remoteSelectors = List.copyOf(remoteSelectors);
    }

    /**
     * Dead-peer detection: probe after {@code intervalSeconds} without traffic from the peer;
     * give up after {@code threshold} unanswered probes. {@code always}: probe even when idle
     * traffic is not expected ({@code initiate-dead-peer-detection}).
     */
    public record Dpd(boolean enabled, long intervalSeconds, int threshold) {
        public static Dpd off() { return new Dpd(false, 10, 5); }
    }

    public PeerConfig withAuthenticator(Authenticator a) {
        return new PeerConfig(name, localAddress, remoteAddress, localId, remoteId, a, ikeProposals, childProposals,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, natKeepaliveSeconds, exchange,
                nattInstallIntervalSeconds);
    }

    public PeerConfig withIkeProposals(List<IkeProposal> p) {
        return new PeerConfig(name, localAddress, remoteAddress, localId, remoteId, authenticator, p, childProposals,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, natKeepaliveSeconds, exchange,
                nattInstallIntervalSeconds);
    }

    public PeerConfig withChildProposals(List<ChildProposal> p) {
        return new PeerConfig(name, localAddress, remoteAddress, localId, remoteId, authenticator, ikeProposals, p,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, natKeepaliveSeconds, exchange,
                nattInstallIntervalSeconds);
    }

    public PeerConfig withExchange(Exchange e) {
        return new PeerConfig(name, localAddress, remoteAddress, localId, remoteId, authenticator, ikeProposals, childProposals,
                localSelectors, remoteSelectors, dpd, natTraversal, establishImmediately, natKeepaliveSeconds, e,
                nattInstallIntervalSeconds);
    }

    /** {@link #nattInstallIntervalSeconds} in nanoseconds. */
    public long nattInstallIntervalNanos() {
        return nattInstallIntervalSeconds * 1_000_000_000L;
    }

    /** The NAT keepalive interval for this peer. */
    public long natKeepaliveNanos(KmdOptions options) {
        return natKeepaliveSeconds > 0 ? natKeepaliveSeconds * 1_000_000_000L : options.keepaliveNanos();
    }
}
