package io.sallyport.gateway.ops;

/**
 * One direction of an IPsec SA. Lifetimes are seconds left, or -1 for none (manual SAs).
 * {@code tosValue} and {@code ttlValue} are the outer header's when not copied from the inner one.
 */
public record IpsecSaView(
        boolean inbound, long spi, boolean manual, boolean installed,
        String protocol, String authenticationAlgorithm, String encryptionAlgorithm,
        long softLifetimeSeconds, long hardLifetimeSeconds,
        boolean antiReplay, int replayWindowSize,
        boolean copyTos, int tosValue, boolean copyTtl, int ttlValue) {

    public String direction() {
        return inbound ? "inbound" : "outbound";
    }

    public String type() {
        return manual ? "manual" : "dynamic";
    }
}
