package io.sallyport.gateway.plan;

import io.sallyport.ike.PeerConfig;
import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One tunnel a service set asks for: a rule term towards one remote gateway, with either a kmd
 * peer (dynamic SAs) or static keys (manual SAs). {@code problem} names why it cannot come up.
 *
 * @param id           unique key across the gateway: {@code serviceSet/rule/term}
 * @param tunnelIndex  1-based position within its service set (Junos "Tunnel index")
 * @param backupPeer   the same peer at {@code backup-remote-gateway}, used while the primary is dead
 * @param insideInterface the inside unit whose device carries this tunnel's traffic: the term's
 *                     {@code ipsec-inside-interface}, else the service set's
 * @param badSpiResponses {@code respond-bad-spi max-responses}: how many INVALID_SPI notifications the
 *                     peer may get per IKE SA for ESP with an SPI we do not know; empty: none (no statement)
 */
public record TunnelPlan(String id, String serviceSet, String rule, String term, int tunnelIndex,
                         String insideInterface,
                         InetAddress localGateway, InetAddress remoteGateway,
                         IpPrefix localPrefix, IpPrefix remotePrefix,
                         Optional<PeerConfig> peer, Optional<PeerConfig> backupPeer,
                         Optional<ManualSaPlan> manualInbound,
                         Optional<ManualSaPlan> manualOutbound,
                         EspSettings esp, Algorithms algorithms, Optional<String> problem,
                         OptionalInt badSpiResponses) {

    /** What {@code show} prints for the negotiated or configured algorithms before an SA exists. */
    public record Algorithms(String authentication, String encryption) {
    }

    public boolean manual() {
        return manualInbound.isPresent();
    }
}
