package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.Bytes;
import io.sallyport.packet.Ipv4View;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every DF-bit policy against an inner IPv4 packet with and without DF, fitting and oversize,
 * as the seed's DF paragraphs say (issue 9 #4). ESP-NULL keeps the inner header readable in
 * the output, so the table checks the inner DF bit as well as the outer one.
 */
class DfCombinationsTest {
    private static final Fixtures.Suite NULL_SHA1 = new Fixtures.Suite(EncryptionAlgorithm.NULL,
            IntegrityAlgorithm.HMAC_SHA1_96);
    private static final int MTU = 1400;
    private static final int FITS = 200;
    private static final int OVERSIZE = 3000;

    /** What the tunnel entry does: ICMP frag-needed, or n outer packets with these DF bits. */
    record Expect(boolean icmp, int packets, boolean outerDf, boolean innerDf) {
        static Expect refused() { return new Expect(true, 0, false, false); }
        static Expect sent(int packets, boolean outerDf, boolean innerDf) { return new Expect(false, packets, outerDf, innerDf); }
    }

    record Case(DfPolicy policy, boolean innerDf, int payload, Expect expect) {
        @Override
        public String toString() {
            return policy + (innerDf ? " DF" : " no-DF") + (payload == OVERSIZE ? " oversize" : " fits");
        }
    }

    static List<Case> table() {
        List<Case> t = new ArrayList<>();
        // No statement: outer DF clear; DF + oversize gets ICMP, otherwise fragments before encapsulation.
        t.add(new Case(DfPolicy.DEFAULT, false, FITS, Expect.sent(1, false, false)));
        t.add(new Case(DfPolicy.DEFAULT, true, FITS, Expect.sent(1, false, true)));
        t.add(new Case(DfPolicy.DEFAULT, false, OVERSIZE, Expect.sent(3, false, false)));
        t.add(new Case(DfPolicy.DEFAULT, true, OVERSIZE, Expect.refused()));
        // clear-dont-fragment-bit: DF cleared on the inner packet; oversize is fragmented before encapsulation.
        t.add(new Case(DfPolicy.CLEAR, false, FITS, Expect.sent(1, false, false)));
        t.add(new Case(DfPolicy.CLEAR, true, FITS, Expect.sent(1, false, false)));
        t.add(new Case(DfPolicy.CLEAR, false, OVERSIZE, Expect.sent(3, false, false)));
        t.add(new Case(DfPolicy.CLEAR, true, OVERSIZE, Expect.sent(3, false, false)));
        // copy-dont-fragment-bit: the inner DF goes to the outer header only, the inner is not modified;
        // an oversize packet is fragmented before encapsulation, DF or not.
        t.add(new Case(DfPolicy.COPY, false, FITS, Expect.sent(1, false, false)));
        t.add(new Case(DfPolicy.COPY, true, FITS, Expect.sent(1, true, true)));
        t.add(new Case(DfPolicy.COPY, false, OVERSIZE, Expect.sent(3, false, false)));
        t.add(new Case(DfPolicy.COPY, true, OVERSIZE, Expect.sent(3, true, true)));
        // set-dont-fragment-bit: DF set in the outer header only; the inner keeps its own (DF + oversize: ICMP).
        t.add(new Case(DfPolicy.SET, false, FITS, Expect.sent(1, true, false)));
        t.add(new Case(DfPolicy.SET, true, FITS, Expect.sent(1, true, true)));
        t.add(new Case(DfPolicy.SET, false, OVERSIZE, Expect.sent(3, true, false)));
        t.add(new Case(DfPolicy.SET, true, OVERSIZE, Expect.refused()));
        return t;
    }

    @TestFactory
    Stream<DynamicTest> everyCombination() {
        assertEquals(DfPolicy.values().length * 4, table().size(), "one row per policy, DF and size");
        return table().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            OutboundPath p = new OutboundPath(Fixtures.sa(NULL_SHA1, false, 7).tunnelMtu(MTU).dfPolicy(c.policy()).build(),
                    new EspCounters(), OutboundPath.OutputForm.IP_PACKET);
            byte[] buf = Fixtures.innerV4(c.payload(), c.innerDf(), 3);
            OutboundBatch out = new OutboundBatch();
            p.encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), out);
            Expect e = c.expect();
            assertEquals(e.icmp(), out.icmpLength() > 0, "ICMP fragmentation needed");
            assertEquals(e.packets(), out.count(), "outer packets");
            for (int i = 0; i < out.count(); i++) {
                int outer = out.offset(i);
                byte[] b = out.buffer(i);
                assertEquals(e.outerDf(), (Bytes.u16(b, outer + 6) & Ipv4View.FLAG_DF) != 0, "outer DF, packet " + i);
                int inner = outer + 20 + 8; // outer IPv4, ESP header (NULL: no IV)
                assertEquals(e.innerDf(), (Bytes.u16(b, inner + 6) & Ipv4View.FLAG_DF) != 0, "inner DF, packet " + i);
                assertEquals(true, out.length(i) <= MTU, "within the tunnel MTU");
            }
        }));
    }
}
