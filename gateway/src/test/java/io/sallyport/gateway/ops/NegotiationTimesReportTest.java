package io.sallyport.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buckets of {@code show services ipsec-vpn negotiation-times}: upper bounds inclusive, an overflow after 30 s. */
class NegotiationTimesReportTest {

    @Test
    void aDurationFallsInTheFirstBucketItDoesNotExceed() {
        assertEquals(0, NegotiationTimesReport.bucket(0));
        assertEquals(0, NegotiationTimesReport.bucket(5_000_000L));
        assertEquals(1, NegotiationTimesReport.bucket(5_000_001L));
        assertEquals(7, NegotiationTimesReport.bucket(1_000_000_000L));
        assertEquals(NegotiationTimesReport.BOUNDS.size(), NegotiationTimesReport.bucket(30_000_000_001L));
    }

    @Test
    void textAndXmlCarryEveryBucket() {
        List<Long> counts = new ArrayList<>(Collections.nCopies(NegotiationTimesReport.BOUNDS.size() + 1, 0L));
        counts.set(2, 3L);
        counts.set(NegotiationTimesReport.BOUNDS.size(), 1L);
        var times = new NegotiationTimesReport.Times(counts, 31_050_000_000L);
        String text = NegotiationTimesReport.text(times);
        assertTrue(text.startsWith("IKE SAs established: 4, total negotiation time: 31.050000 s\n"), text);
        assertTrue(text.contains(String.format("  %-16s%12d%n", "0.025 s", 3)), text);
        assertTrue(text.contains(String.format("  %-16s%12d%n", "longer", 1)), text);
        String xml = Display.xml(NegotiationTimesReport.element(times));
        assertTrue(xml.contains("<upper-bound-seconds>+Inf</upper-bound-seconds>"), xml);
        assertTrue(xml.contains("<negotiation-count>4</negotiation-count>"), xml);
    }
}
