package io.sallyport.ike;

/** An IKE SA's identity: the initiator's and responder's SPIs (RFC 7296 §2.6). */
public record IkeSaId(long spiI, long spiR) {
    @Override
    public String toString() {
        return String.format("%016x:%016x", spiI, spiR);
    }
}
