package io.sallyport.ike.v1;

import io.sallyport.ike.IkeSaCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * One ISAKMP SA's counters for {@code show services ipsec-vpn ike statistics}: messages in and
 * out and failed exchanges per exchange type, and the §4.3 payload counters (Delete, DPD
 * R-U-THERE and its ACK, INVALID-SPI). Owned by its {@link IsakmpSa}, like the rest of its state.
 */
final class V1Counters {

    private static final int[] TYPES = {Isakmp.EXCH_MAIN, Isakmp.EXCH_AGGRESSIVE, Isakmp.EXCH_QUICK, Isakmp.EXCH_INFORMATIONAL};
    private static final String[] NAMES = {"Main", "Aggressive", "Quick", "Informational"};

    private final long[] received = new long[TYPES.length];
    private final long[] sent = new long[TYPES.length];
    private final long[] failed = new long[TYPES.length];
    long deleteReceived;
    long deleteSent;
    long dpdRequestReceived;
    long dpdRequestSent;
    long dpdResponseReceived;
    long dpdResponseSent;
    long dpdResponseMissed;
    long dpdResponseMaxDelayNanos;
    long invalidSpiReceived;
    long invalidSpiSent;
    /** When our oldest unanswered R-U-THERE went out; MIN_VALUE when none is outstanding. */
    long dpdOutstandingSince = Long.MIN_VALUE;

    private static int index(int exchange) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == exchange) return i;
        }
        return -1;
    }

    void received(int exchange) {
        int i = index(exchange);
        if (i >= 0) received[i]++;
    }

    /** A message we send: its exchange type is octet 18 of the ISAKMP header. */
    void sent(byte[] packet) {
        int i = packet.length > 18 ? index(packet[18] & 0xff) : -1;
        if (i >= 0) sent[i]++;
    }

    void failed(int exchange) {
        int i = index(exchange);
        if (i >= 0) failed[i]++;
    }

    /** The payloads of an informational message we send. */
    void sending(List<V1Payload> payloads) {
        for (V1Payload p : payloads) {
            switch (p) {
                case V1Payload.Delete d -> deleteSent++;
                case V1Payload.Notify n when n.notifyType() == Isakmp.N_DPD_R_U_THERE -> dpdRequestSent++;
                case V1Payload.Notify n when n.notifyType() == Isakmp.N_DPD_R_U_THERE_ACK -> dpdResponseSent++;
                case V1Payload.Notify n when n.notifyType() == Isakmp.N_INVALID_SPI -> invalidSpiSent++;
                default -> { }
            }
        }
    }

    /** We send an R-U-THERE; a miss when the one before is still unanswered. */
    void dpdAsked(long now) {
        if (dpdOutstandingSince == Long.MIN_VALUE) {
            dpdOutstandingSince = now;
        } else {
            dpdResponseMissed++;
        }
    }

    /** An R-U-THERE-ACK arrived: the wait since our first unanswered R-U-THERE is a delay. */
    void dpdAnswered(long now) {
        dpdResponseReceived++;
        if (dpdOutstandingSince != Long.MIN_VALUE) {
            dpdResponseMaxDelayNanos = Math.max(dpdResponseMaxDelayNanos, now - dpdOutstandingSince);
            dpdOutstandingSince = Long.MIN_VALUE;
        }
    }

    IkeSaCounters snapshot() {
        List<IkeSaCounters.Exchange> ex = new ArrayList<>();
        for (int i = 0; i < TYPES.length; i++) {
            if (received[i] + sent[i] + failed[i] > 0) {
                ex.add(new IkeSaCounters.Exchange(NAMES[i], received[i], sent[i], failed[i]));
            }
        }
        return new IkeSaCounters(deleteReceived, deleteSent, dpdRequestReceived, dpdRequestSent, dpdResponseReceived,
                dpdResponseSent, dpdResponseMissed, dpdResponseMaxDelayNanos / 1_000_000_000L, invalidSpiReceived,
                invalidSpiSent, ex);
    }
}
