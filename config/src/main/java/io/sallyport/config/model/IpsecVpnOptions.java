package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code service-set NAME ipsec-vpn-options}, defaults applied: anti-replay on with a
 * {@value #DEFAULT_ANTI_REPLAY_WINDOW}-bit window (Multiservices PIC default, reference §1.5),
 * NAT-T on, no UDP encapsulation unless configured (then port {@value #DEFAULT_UDP_PORT}).
 */
public record IpsecVpnOptions(
        Optional<LocalGateway> localGateway,
        Optional<String> ikeAccessProfile,
        List<String> trustedCa,
        boolean noCertificateChainInIke,
        int antiReplayWindowSize,
        boolean antiReplay,
        Optional<DfBit> dfBit,
        boolean passiveModeTunneling,
        OptionalInt tunnelMtu,
        OptionalInt udpEncapsulateDestPort,
        boolean natTraversal,
        OptionalInt natKeepalive) {

    public static final int DEFAULT_ANTI_REPLAY_WINDOW = 128;
    public static final int DEFAULT_UDP_PORT = 4565;

    public IpsecVpnOptions { trustedCa = List.copyOf(trustedCa); }

    /**
     * {@code local-gateway ADDRESS <routing-instance RI> <gw-interface IFL>} or {@code local-gateway
     * interface IFL}. {@code routingInstance} is "default" (inet.0) unless configured.
     */
    public record LocalGateway(Optional<String> address, String routingInstance, Optional<String> gwInterface,
                               Optional<String> interfaceName) {}
}
