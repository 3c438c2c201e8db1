package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code ike policy NAME}, defaults applied (mode main, version 1, x509-signature peers). */
public record IkePolicy(
        String name,
        Optional<String> description,
        IkeMode mode,
        IkeVersion version,
        List<String> proposals,
        Optional<LocalId> localId,
        RemoteId remoteId,
        Optional<SecretKey> preSharedKey,
        Optional<String> localCertificate,
        PeerCertificateType peerCertificateType,
        List<String> certificatePolicyOids,
        OptionalInt respondBadSpi) {

    public IkePolicy {
        proposals = List.copyOf(proposals);
        certificatePolicyOids = List.copyOf(certificatePolicyOids);
    }

    /** The built-in policy used when a dynamic term names none (certificate authentication). */
    public static final IkePolicy DEFAULT = new IkePolicy("default", Optional.empty(), IkeMode.MAIN, IkeVersion.V1,
        List.of(), Optional.empty(), RemoteId.NONE, Optional.empty(), Optional.empty(),
        PeerCertificateType.X509_SIGNATURE, List.of(), OptionalInt.empty());

    /** {@code local-id TYPE VALUE}; {@code distinguished-name} has no value (taken from the certificate). */
    public record LocalId(IdentityType type, Optional<String> value) {}

    /** {@code remote-id}: identities accepted from the peer. */
    public record RemoteId(boolean anyRemoteId, List<String> ipv4Addresses, List<String> ipv6Addresses,
                           List<String> fqdns, List<String> keyIds, List<String> dnContainers,
                           List<String> dnWildcards, List<String> dnExactMatches) {
        public RemoteId {
            ipv4Addresses = List.copyOf(ipv4Addresses);
            ipv6Addresses = List.copyOf(ipv6Addresses);
            fqdns = List.copyOf(fqdns);
            keyIds = List.copyOf(keyIds);
            dnContainers = List.copyOf(dnContainers);
            dnWildcards = List.copyOf(dnWildcards);
            dnExactMatches = List.copyOf(dnExactMatches);
        }

        public static final RemoteId NONE = new RemoteId(false, List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());

        public boolean isEmpty() { return equals(NONE); }
    }
}
