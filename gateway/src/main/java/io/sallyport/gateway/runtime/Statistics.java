package io.sallyport.gateway.runtime;

import io.sallyport.esp.DropReason;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspStat;

/**
 * A tunnel's data-plane counters as {@code show services ipsec-vpn ipsec statistics} groups them
 * (reference §4.5), summed from the copies the data workers published (up to 100 ms old under load).
 */
public record Statistics(long encryptedBytes, long decryptedBytes, long encryptedPackets, long decryptedPackets,
                         long replayErrors, long replayBeforeWindow, long authenticationFailures,
                         long decryptionFailures, long badHeaders, long badTrailers, long ipIntegrityErrors,
                         long exceedsTunnelMtu, long noSaErrors, long invalidSpiErrors, long tsCheckFailures,
                         long miscErrors) {

    public static final Statistics ZERO = new Statistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * The §4.5 grouping of a tunnel's summed counters; {@code handoffDrops} (decrypted packets the
     * TUN device's owner had no room for) count as misc errors; {@code invalidSpi} is ESP from the
     * tunnel's remote gateway for an SPI no worker knows.
     */
    static Statistics of(EspCounters out, EspCounters in, long noSaDrops, long selectorFailures, long handoffDrops,
                         long invalidSpi) {
        return new Statistics(
                out.get(EspStat.ENCRYPTED_BYTES), in.get(EspStat.DECRYPTED_BYTES),
                out.get(EspStat.ENCRYPTED_PACKETS), in.get(EspStat.DECRYPTED_PACKETS),
                field(in, "replay-errors"), field(in, "replay-before-window-drops"),
                field(in, "esp-authentication-failures"), field(in, "esp-decryption-failures"),
                field(in, "bad-headers"), field(in, "bad-trailers"),
                field(in, "ip-integrity-errors") + field(out, "ip-integrity-errors"),
                field(out, "exceeds-tunnel-mtu"), noSaDrops, field(in, "invalid-spi-errors") + invalidSpi,
                selectorFailures,
                field(in, "misc-errors") + field(out, "misc-errors") + field(out, "discard-errors") + handoffDrops);
    }

    /** Sums every drop reason that the §4.5 counter {@code field} is made of. */
    private static long field(EspCounters c, String field) {
        long sum = 0;
        for (DropReason r : DropReason.values()) {
            if (r.showField().equals(field)) {
                sum += c.get(r);
            }
        }
        return sum;
    }

    Statistics minus(Statistics b) {
        return new Statistics(encryptedBytes - b.encryptedBytes, decryptedBytes - b.decryptedBytes,
                encryptedPackets - b.encryptedPackets, decryptedPackets - b.decryptedPackets,
                replayErrors - b.replayErrors, replayBeforeWindow - b.replayBeforeWindow,
                authenticationFailures - b.authenticationFailures, decryptionFailures - b.decryptionFailures,
                badHeaders - b.badHeaders, badTrailers - b.badTrailers, ipIntegrityErrors - b.ipIntegrityErrors,
                exceedsTunnelMtu - b.exceedsTunnelMtu, noSaErrors - b.noSaErrors,
                invalidSpiErrors - b.invalidSpiErrors, tsCheckFailures - b.tsCheckFailures, miscErrors - b.miscErrors);
    }
}
