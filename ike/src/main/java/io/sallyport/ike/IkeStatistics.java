package io.sallyport.ike;

import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * One IKEv2 SA's counters for {@code show services ipsec-vpn ike statistics} (reference §4.3):
 * messages in and out and failed exchanges per exchange type, Delete payloads, liveness checks
 * (RFC 7296 §2.4: an INFORMATIONAL request without payloads is IKEv2's DPD request, its answer the
 * DPD response) with misses and the longest wait, and INVALID_SPI notifications. Owned by its
 * {@link IkeSession}; the task manager and the SA count as messages pass.
 */
final class IkeStatistics {

    private static final int[] TYPES = {Wire.IKE_SA_INIT, Wire.IKE_AUTH, Wire.CREATE_CHILD_SA, Wire.INFORMATIONAL};

    private final long[] received = new long[TYPES.length];
    private final long[] sent = new long[TYPES.length];
    private final long[] failed = new long[TYPES.length];
    private long deleteReceived;
    private long deleteSent;
    private long dpdRequestReceived;
    private long dpdRequestSent;
    private long dpdResponseReceived;
    private long dpdResponseSent;
    private long dpdResponseMissed;
    private long dpdResponseMaxDelayNanos;
    private long invalidSpiReceived;
    private long invalidSpiSent;
    /** When our liveness check in the air first went out. */
    private long dpdSentAt;

    private static int index(int exchange) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == exchange) return i;
        }
        return -1;
    }

    /** Datagrams we send: the exchange type is octet 18 of the IKE header (each fragment counts). */
    void sent(List<byte[]> packets) {
        for (byte[] p : packets) {
            int i = p.length > 18 ? index(p[18] & 0xff) : -1;
            if (i >= 0) sent[i]++;
        }
    }

    /** A message of the peer's that decoded under this SA (request or response). */
    void received(int exchange, List<Payload> payloads) {
        int i = index(exchange);
        if (i >= 0) received[i]++;
        for (Payload p : payloads) {
            switch (p) {
                case Payload.Delete d -> deleteReceived++;
                case Payload.Notify n when isInvalidSpi(n) -> invalidSpiReceived++;
                default -> { }
            }
        }
    }

    /** The payloads of a message we send (request or response). */
    void sending(List<Payload> payloads) {
        for (Payload p : payloads) {
            switch (p) {
                case Payload.Delete d -> deleteSent++;
                case Payload.Notify n when isInvalidSpi(n) -> invalidSpiSent++;
                default -> { }
            }
        }
    }

    private static boolean isInvalidSpi(Payload.Notify n) {
        return n.error().orElse(null) == NotifyError.Standard.INVALID_SPI;
    }

    void failed(int exchange) {
        int i = index(exchange);
        if (i >= 0) failed[i]++;
    }

    /** The peer asked whether we are alive, and we answered. */
    void dpdRequestAnswered() {
        dpdRequestReceived++;
        dpdResponseSent++;
    }

    /** Our liveness check went out for the first time. */
    void dpdAsked(long now) {
        dpdRequestSent++;
        dpdSentAt = now;
    }

    /** Our liveness check went unanswered for a timeout: retransmitted ({@code again}), or given up. */
    void dpdMissed(boolean again) {
        dpdResponseMissed++;
        if (again) dpdRequestSent++;
    }

    void dpdAnswered(long now) {
        dpdResponseReceived++;
        dpdResponseMaxDelayNanos = Math.max(dpdResponseMaxDelayNanos, now - dpdSentAt);
    }

    IkeSaCounters snapshot() {
        List<IkeSaCounters.Exchange> ex = new ArrayList<>();
        for (int i = 0; i < TYPES.length; i++) {
            if (received[i] + sent[i] + failed[i] > 0) {
                ex.add(new IkeSaCounters.Exchange(Wire.exchangeName(TYPES[i]), received[i], sent[i], failed[i]));
            }
        }
        return new IkeSaCounters(deleteReceived, deleteSent, dpdRequestReceived, dpdRequestSent, dpdResponseReceived,
                dpdResponseSent, dpdResponseMissed, dpdResponseMaxDelayNanos / 1_000_000_000L, invalidSpiReceived,
                invalidSpiSent, ex);
    }
}
