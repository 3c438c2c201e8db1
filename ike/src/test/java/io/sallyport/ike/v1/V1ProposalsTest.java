package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.ChildProposal;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Phase-2 lifetimes as a peer states them (RFC 2407 §4.5: SA Life Type 1 seconds, 2 kilobytes). */
class V1ProposalsTest {

    private static V1Payload.SaTransform transform(List<V1Payload.Attribute> lifetimes) {
        return new V1Payload.SaTransform(1, ChildProposal.junosDefault().encryption().ikev1EspId(), lifetimes);
    }

    @Test
    void findsAKilobyteLifetimeBesideASecondsOne() {
        var t = transform(List.of(new V1Payload.Attribute(Isakmp.Q_LIFE_TYPE, Isakmp.LIFE_SECONDS),
                new V1Payload.Attribute(Isakmp.Q_LIFE_DURATION, 3600),
                new V1Payload.Attribute(Isakmp.Q_LIFE_TYPE, Isakmp.LIFE_KILOBYTES),
                new V1Payload.Attribute(Isakmp.Q_LIFE_DURATION, 1465)));
        assertEquals(OptionalLong.of(1465), V1Proposals.kilobytes(t));
    }

    @Test
    void aSecondsLifetimeAloneHasNoKilobytes() {
        var t = transform(List.of(new V1Payload.Attribute(Isakmp.Q_LIFE_TYPE, Isakmp.LIFE_SECONDS),
                new V1Payload.Attribute(Isakmp.Q_LIFE_DURATION, 1465)));
        assertTrue(V1Proposals.kilobytes(t).isEmpty());
    }
}
