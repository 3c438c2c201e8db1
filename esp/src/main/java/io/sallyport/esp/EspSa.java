package io.sallyport.esp;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Everything the data plane needs to run one ESP SA in one direction (tunnel mode). Built by the
 * gateway from a committed configuration and the keys kmd negotiated (or a manual SA).
 *
 * @param spi                  the SPI on the wire (the peer's for outbound, ours for inbound)
 * @param encryption           encryption transform
 * @param integrity            integrity transform, null with an AEAD cipher
 * @param encryptionKey        key material: cipher key, plus 4-byte salt for GCM (RFC 4106 §8.1)
 * @param integrityKey         HMAC key, or empty with an AEAD cipher
 * @param localAddress         our tunnel endpoint (outer source outbound)
 * @param remoteAddress        the peer's tunnel endpoint
 * @param udp                  none, NAT-T or multipath udp-encapsulate
 * @param esn                  64-bit extended sequence numbers (RFC 4304)
 * @param replayWindow         anti-replay window in bits, 64..4096, or 0 for {@code no-anti-replay}
 * @param dfPolicy             clear / copy / set DF
 * @param tunnelMtu            largest outer packet, default 1500
 * @param passiveMode          {@code passive-mode-tunneling}
 * @param headerIntegrityCheck {@code header-integrity-check enable-all}
 * @param tunnelIsHop          false with {@code no-ipsec-tunnel-in-traceroute}: no TTL decrement, no time-exceeded
 * @param outerTtl             TTL / hop limit of the outer header, or {@link #COPY_FROM_INNER}
 *                             ({@code copy-ttl-from-inner-ip-header}: the inner one, after the hop)
 * @param outerTos             ToS / traffic class of the outer header 0..255, or {@link #COPY_FROM_INNER}
 *                             ({@code copy-tos-from-inner-ip-header})
 * @param icmpSourceV4         source of ICMPv4 errors sent inside (0 = local address or 192.0.0.8, RFC 7600)
 * @param ivSeed               per-SA seed for CBC IV derivation
 * @param tcpMss               the service set's {@code tcp-mss} 536..65535: the MSS ceiling of TCP
 *                             SYNs through the tunnel, both ways; {@link #NO_TCP_MSS} without it
 */
public record EspSa(int spi, EncryptionAlgorithm encryption, IntegrityAlgorithm integrity,
                   byte[] encryptionKey, byte[] integrityKey,
                   InetAddress localAddress, InetAddress remoteAddress,
                   UdpEncapsulation udp, boolean esn, int replayWindow, DfPolicy dfPolicy, int tunnelMtu,
                   boolean passiveMode, boolean headerIntegrityCheck, boolean tunnelIsHop, int outerTtl,
                   int outerTos, int icmpSourceV4, long ivSeed, int tcpMss) {

    /** {@code outerTtl} / {@code outerTos}: take the value from the inner header. */
    public static final int COPY_FROM_INNER = -1;

    public static final int DEFAULT_REPLAY_WINDOW = 128;
    public static final int DEFAULT_TUNNEL_MTU = 1500;
    /** {@code tcpMss}: no {@code tcp-mss}, SYNs pass as they are. */
    public static final int NO_TCP_MSS = 0;

    public EspSa {
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(udp, "udp");
        Objects.requireNonNull(dfPolicy, "dfPolicy");
        if (localAddress.getClass() != remoteAddress.getClass()) {
            throw new IllegalArgumentException("tunnel endpoints must be the same family");
        }
        if (replayWindow != 0 && (replayWindow < 64 || replayWindow > 4096)) {
            throw new IllegalArgumentException("anti-replay-window-size must be 64..4096");
        }
        if (tunnelMtu < 256 || tunnelMtu > 9192) {
            throw new IllegalArgumentException("tunnel-mtu must be 256..9192");
        }
        if (passiveMode && headerIntegrityCheck) {
            throw new IllegalArgumentException("passive-mode-tunneling excludes header-integrity-check");
        }
        if ((outerTtl < 1 || outerTtl > 255) && outerTtl != COPY_FROM_INNER) {
            throw new IllegalArgumentException("outer TTL must be 1..255");
        }
        if ((outerTos < 0 || outerTos > 255) && outerTos != COPY_FROM_INNER) {
            throw new IllegalArgumentException("outer ToS must be 0..255");
        }
        if (tcpMss != NO_TCP_MSS && (tcpMss < 536 || tcpMss > 65535)) {
            throw new IllegalArgumentException("tcp-mss must be 536..65535");
        }
        encryptionKey = encryptionKey.clone();
        integrityKey = integrityKey == null ? new byte[0] : integrityKey.clone();
    }

    public boolean ipv6Outer() {
        return !(localAddress instanceof Inet4Address);
    }

    /** A builder with the defaults of the reference: window 128, MTU 1500, DF default, tunnel is a hop. */
    public static Builder builder(final int spi, final EncryptionAlgorithm encryption, final IntegrityAlgorithm integrity,
                                  final byte[] encryptionKey, final byte[] integrityKey,
                                  final InetAddress localAddress, final InetAddress remoteAddress) {
        return new Builder(spi, encryption, integrity, encryptionKey, integrityKey, localAddress, remoteAddress);
    }

    /** Mutable builder for the optional settings; not for use on the hot path. */
    public static final class Builder {
        private final int spi;
        private final EncryptionAlgorithm encryption;
        private final IntegrityAlgorithm integrity;
        private final byte[] encryptionKey;
        private final byte[] integrityKey;
        private final InetAddress local;
        private final InetAddress remote;
        private UdpEncapsulation udp = UdpEncapsulation.NONE;
        private boolean esn;
        private int replayWindow = DEFAULT_REPLAY_WINDOW;
        private DfPolicy dfPolicy = DfPolicy.DEFAULT;
        private int tunnelMtu = DEFAULT_TUNNEL_MTU;
        private boolean passiveMode;
        private boolean headerIntegrityCheck;
        private boolean tunnelIsHop = true;
        private int outerTtl = 64;
        private int outerTos = COPY_FROM_INNER;
        private int icmpSourceV4;
        private long ivSeed;
        private int tcpMss = NO_TCP_MSS;

        private Builder(final int spi, final EncryptionAlgorithm encryption, final IntegrityAlgorithm integrity,
                        final byte[] encryptionKey, final byte[] integrityKey, final InetAddress local,
                        final InetAddress remote) {
            this.spi = spi;
            this.encryption = encryption;
            this.integrity = integrity;
            this.encryptionKey = encryptionKey;
            this.integrityKey = integrityKey;
            this.local = local;
            this.remote = remote;
        }

        public Builder udp(final UdpEncapsulation v) { this.udp = v; return this; }
        public Builder esn(final boolean v) { this.esn = v; return this; }
        public Builder replayWindow(final int bits) { this.replayWindow = bits; return this; }
        public Builder noAntiReplay() { this.replayWindow = 0; return this; }
        public Builder dfPolicy(final DfPolicy v) { this.dfPolicy = v; return this; }
        public Builder tunnelMtu(final int v) { this.tunnelMtu = v; return this; }
        public Builder passiveMode(final boolean v) { this.passiveMode = v; return this; }
        public Builder headerIntegrityCheck(final boolean v) { this.headerIntegrityCheck = v; return this; }
        public Builder tunnelIsHop(final boolean v) { this.tunnelIsHop = v; return this; }
        public Builder outerTtl(final int v) { this.outerTtl = v; return this; }
        public Builder outerTos(final int v) { this.outerTos = v; return this; }
        public Builder icmpSourceV4(final int v) { this.icmpSourceV4 = v; return this; }
        public Builder ivSeed(final long v) { this.ivSeed = v; return this; }
        public Builder tcpMss(final int v) { this.tcpMss = v; return this; }

        public EspSa build() {
            return new EspSa(spi, encryption, integrity, encryptionKey, integrityKey, local, remote, udp, esn,
                    replayWindow, dfPolicy, tunnelMtu, passiveMode, headerIntegrityCheck, tunnelIsHop, outerTtl,
                    outerTos, icmpSourceV4, ivSeed, tcpMss);
        }
    }
}
