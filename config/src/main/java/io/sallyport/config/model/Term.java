package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code rule R term T}: what to match ({@code from}) and the tunnel to build ({@code then}).
 * Term-level anti-replay, DF-bit and tunnel MTU settings override the service set's; empty means
 * "not set here". TTL and ToS defaults (64 and 0) are applied.
 */
public record Term(
        String name,
        Optional<String> sourceAddress,
        Optional<String> destinationAddress,
        Optional<String> ipsecInsideInterface,
        Optional<String> remoteGateway,
        Optional<String> backupRemoteGateway,
        Sa sa,
        OptionalInt antiReplayWindowSize,
        boolean noAntiReplay,
        Optional<DfBit> dfBit,
        OptionalInt tunnelMtu,
        boolean initiateDeadPeerDetection,
        DeadPeerDetection deadPeerDetection,
        boolean copyTtlFromInnerIpHeader,
        int ttl,
        boolean copyTosFromInnerIpHeader,
        int tos,
        boolean syslog) {

    /** How the term's security associations come about. */
    public sealed interface Sa {}

    /** {@code then dynamic}: IKE negotiates; absent policies mean the defaults. */
    public record DynamicSa(Optional<String> ikePolicy, Optional<String> ipsecPolicy, int nattInstallInterval) implements Sa {}

    /** {@code then manual}: keys and SPIs written in the configuration. */
    public record ManualSa(List<ManualDirection> directions) implements Sa {
        public ManualSa { directions = List.copyOf(directions); }
    }

    /** Neither manual nor dynamic configured. */
    public record NoSa() implements Sa {}

    /** {@code manual direction D { protocol; spi; auxiliary-spi; authentication; encryption; }}. */
    public record ManualDirection(SaDirection direction, Optional<IpsecProtocol> protocol, OptionalInt spi,
                                  OptionalInt auxiliarySpi,
                                  Optional<IpsecAuthenticationAlgorithm> authenticationAlgorithm,
                                  Optional<SecretKey> authenticationKey,
                                  Optional<EncryptionAlgorithm> encryptionAlgorithm,
                                  Optional<SecretKey> encryptionKey) {}
}
