package io.sallyport.gateway.ops;

import java.util.List;

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

    /**
     * Payload counters for {@code show services ipsec-vpn ike statistics}, and (Sallyport's addition,
     * IKEv1 only so far) messages and failures per exchange type.
     */
    public record Payloads(long deleteReceived, long deleteSent,
                           long dpdRequestReceived, long dpdRequestSent,
                           long dpdResponseReceived, long dpdResponseSent,
                           long dpdResponseMissed, long dpdResponseMaxDelay,
                           long invalidSpiReceived, long invalidSpiSent, List<Exchange> exchanges) {
        public static final Payloads NONE = new Payloads(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());

        public Payloads {
            exchanges = List.copyOf(exchanges);
        }
    }

    /** Messages received and sent, and exchanges failed, of one exchange type ({@code Main}, {@code Quick}, ...). */
    public record Exchange(String type, long received, long sent, long failed) { }

    public String stateWord() {
        return matured ? "Matured" : "Not matured";
    }
}
