package io.sallyport.gateway.ops;

/**
 * Counters of one tunnel for {@code show services ipsec-vpn ipsec statistics}; summed per
 * service set for the brief form.
 */
public record IpsecStatisticsView(
        String pic, String serviceSet,
        String localGateway, String remoteGateway, int tunnelIndex,
        long encryptedBytes, long decryptedBytes, long encryptedPackets, long decryptedPackets,
        long replayErrors, long espAuthenticationFailures, long espDecryptionFailures,
        long badHeaders, long badTrailers,
        long replayBeforeWindowDrops, long ipIntegrityErrors, long exceedsTunnelMtu,
        long noSaErrors, long invalidSpiErrors, long tsCheckFailErrors, long miscErrors) {

    /** Adds another tunnel's counters to this one, keeping this one's names. */
    public IpsecStatisticsView plus(IpsecStatisticsView o) {
        return new IpsecStatisticsView(pic, serviceSet, localGateway, remoteGateway, tunnelIndex,
                encryptedBytes + o.encryptedBytes, decryptedBytes + o.decryptedBytes,
                encryptedPackets + o.encryptedPackets, decryptedPackets + o.decryptedPackets,
                replayErrors + o.replayErrors, espAuthenticationFailures + o.espAuthenticationFailures,
                espDecryptionFailures + o.espDecryptionFailures, badHeaders + o.badHeaders,
                badTrailers + o.badTrailers, replayBeforeWindowDrops + o.replayBeforeWindowDrops,
                ipIntegrityErrors + o.ipIntegrityErrors, exceedsTunnelMtu + o.exceedsTunnelMtu,
                noSaErrors + o.noSaErrors, invalidSpiErrors + o.invalidSpiErrors,
                tsCheckFailErrors + o.tsCheckFailErrors, miscErrors + o.miscErrors);
    }
}
