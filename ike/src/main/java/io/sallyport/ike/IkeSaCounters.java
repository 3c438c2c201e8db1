package io.sallyport.ike;

import java.util.List;

/**
 * What one IKE SA has said and heard, for {@code show services ipsec-vpn ike statistics}
 * (reference §4.3): the payload counters of the Junos layout, and messages per exchange type.
 *
 * @param dpdResponseMaxDelaySeconds longest wait for an answer to our liveness check
 * @param exchanges                  messages received and sent and exchanges failed, per exchange type
 */
public record IkeSaCounters(long deleteReceived, long deleteSent,
                            long dpdRequestReceived, long dpdRequestSent,
                            long dpdResponseReceived, long dpdResponseSent,
                            long dpdResponseMissed, long dpdResponseMaxDelaySeconds,
                            long invalidSpiReceived, long invalidSpiSent,
                            List<Exchange> exchanges) {

    public static final IkeSaCounters NONE = new IkeSaCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());

    public IkeSaCounters {
        exchanges = List.copyOf(exchanges);
    }

    /** Messages of one exchange type ({@code Main}, {@code Aggressive}, {@code Quick}, {@code Informational}). */
    public record Exchange(String type, long received, long sent, long failed) { }
}
