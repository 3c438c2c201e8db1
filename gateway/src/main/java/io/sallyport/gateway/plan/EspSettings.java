package io.sallyport.gateway.plan;

import io.sallyport.esp.DfPolicy;
import io.sallyport.esp.EspSa;
import java.util.OptionalInt;

/**
 * The data-plane options of one tunnel after term-over-service-set resolution.
 *
 * @param replayWindow         bits, or 0 for {@code no-anti-replay}
 * @param udpEncapsulatePort   {@code udp-encapsulate dest-port}, empty when not configured
 * @param tunnelIsHop          false with {@code no-ipsec-tunnel-in-traceroute}
 * @param outerTtl             the term's {@code ttl} for the outer header (default 64), or
 *                             {@link EspSa#COPY_FROM_INNER} with {@code copy-ttl-from-inner-ip-header}
 * @param outerTos             the term's {@code tos} (default 0), or {@link EspSa#COPY_FROM_INNER}
 *                             with {@code copy-tos-from-inner-ip-header}
 * @param hopAddress           the router's own address the tunnel hop answers traceroute from
 *                             (time-exceeded, fragmentation-needed), never the local gateway
 *                             unless the router has no other; empty: the local gateway
 * @param tcpMss               the service set's {@code tcp-mss}, or {@link EspSa#NO_TCP_MSS}
 */
public record EspSettings(int replayWindow, DfPolicy dfPolicy, int tunnelMtu, boolean passiveMode,
                          boolean headerIntegrityCheck, boolean tunnelIsHop, OptionalInt udpEncapsulatePort,
                          boolean natTraversal, int outerTtl, int outerTos,
                          java.util.Optional<java.net.InetAddress> hopAddress, int tcpMss) {

    /** Applies these settings to an SA builder. */
    public EspSa.Builder applyTo(EspSa.Builder b) {
        return b.replayWindow(replayWindow).dfPolicy(dfPolicy).tunnelMtu(tunnelMtu).passiveMode(passiveMode)
                .headerIntegrityCheck(headerIntegrityCheck).tunnelIsHop(tunnelIsHop).outerTtl(outerTtl).outerTos(outerTos)
                .tcpMss(tcpMss)
                .icmpSourceV4(hopAddress.filter(a -> a instanceof java.net.Inet4Address)
                        .map(a -> java.nio.ByteBuffer.wrap(a.getAddress()).getInt()).orElse(0));
    }
}
