package io.sallyport.gateway.ops;

/**
 * What {@code show services ipsec-vpn ike security-associations} and {@code ike statistics} show of
 * one IKE SA (matured, or negotiating). Why a peer has none is in {@code show services service-sets}.
 *
 * @param initiatorSpi the IKEv2 initiator SPI (the IKEv1 "cookie")
 */
public record IkeSaView(
        String remoteAddress, int remotePort,
        String localAddress, int localPort,
        boolean initiator, boolean matured,
        long initiatorSpi, long responderSpi,
        String exchangeType, String authenticationMethod,
        String localGatewayInterface, String routingInstance,
        long expiresInSeconds,
        String authenticationAlgorithm, String encryptionAlgorithm, String prfAlgorithm, int dhGroup,
        Traffic traffic, Payloads payloads,
        int ipsecSasCreated, int ipsecSasDeleted, int ipsecRekeys, int phase2InProgress) {

    /** IKE message counters of the SA. */
    public record Traffic(long inputBytes, long outputBytes, long inputPackets, long outputPackets) {
        public static final Traffic NONE = new Traffic(0, 0, 0, 0);
    }

    /** Payload counters for {@code show services ipsec-vpn ike statistics}. */
    public record Payloads(long deleteReceived, long deleteSent,
                           long dpdRequestReceived, long dpdRequestSent,
                           long dpdResponseReceived, long dpdResponseSent,
                           long dpdResponseMissed, long dpdResponseMaxDelay,
                           long invalidSpiReceived, long invalidSpiSent) {
        public static final Payloads NONE = new Payloads(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public String stateWord() {
        return matured ? "Matured" : "Not matured";
    }
}
