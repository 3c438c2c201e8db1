package io.sallyport.config.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** {@code access profile NAME}: IKE settings for dynamic peers, per client ({@code *} for any). */
public record AccessProfile(String name, Map<String, IkeClient> clients) {

    public AccessProfile { clients = Ordered.copy(clients); }

    /**
     * {@code client NAME ike}. With no {@code allowed-proxy-pair} configured, the single pair
     * 0.0.0.0/0 to 0.0.0.0/0 is allowed (reference §1.7).
     */
    public record IkeClient(String name, List<ProxyPair> allowedProxyPairs, Optional<SecretKey> preSharedKey,
                            Optional<String> ikePolicy, Optional<String> ipsecPolicy, Optional<String> interfaceId,
                            boolean initiateDeadPeerDetection, DeadPeerDetection deadPeerDetection,
                            OptionalInt respondBadSpi, OptionalLong reverseRoutePreference) {
        public IkeClient { allowedProxyPairs = List.copyOf(allowedProxyPairs); }
    }

    /** {@code allowed-proxy-pair local P remote Q}. */
    public record ProxyPair(String local, String remote) {
        public static final ProxyPair ANY = new ProxyPair("0.0.0.0/0", "0.0.0.0/0");
    }
}
