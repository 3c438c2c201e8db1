package io.sallyport.net.virtual;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

class LinkFaultsTest {

    private static final InetAddress A = VirtualNetworkTest.addr("198.51.100.1");
    private static final InetAddress B = VirtualNetworkTest.addr("198.51.100.2");
    private static final long MS = 1_000_000L;

    /** Sends markers 1..count from A:500 to B:500 at one instant and returns B's arrival order. */
    private static List<Integer> run(final int count, final LinkFault... faults) {
        final VirtualNetwork net = new VirtualNetwork();
        final VirtualLink link = net.link(A, B).latency(MS);
        for (final LinkFault f : faults) {
            link.addFault(f);
        }
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(A, 500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(B, 500));
        for (int i = 1; i <= count; i++) {
            a.send(new byte[] {(byte) i}, 0, 1, b.localAddress());
        }
        net.advanceBy(100 * MS);
        final List<Integer> got = new ArrayList<>();
        final byte[] buf = new byte[4];
        while (b.receive(buf, 0, buf.length) > 0) {
            got.add((int) buf[0]);
        }
        return got;
    }

    @Test
    void shouldDropOnlyTheNthDatagram() {
        assertEquals(List.of(1, 2, 4, 5), run(5, LinkFaults.dropNth(3)));
    }

    @Test
    void shouldDropEveryNthDatagram() {
        assertEquals(List.of(1, 3, 5), run(6, LinkFaults.dropEvery(2)));
    }

    @Test
    void shouldDropEverythingWithDropAll() {
        assertEquals(List.of(), run(3, LinkFaults.dropAll()));
    }

    @Test
    void shouldReorderByHoldingBackEveryNth() {
        assertEquals(List.of(1, 2, 4, 5, 3), run(5, LinkFaults.reorderEvery(3, 10 * MS)));
    }

    @Test
    void shouldDuplicateEveryNth() {
        assertEquals(List.of(1, 2, 2, 3, 4, 4), run(4, LinkFaults.duplicateEvery(2)));
    }

    @Test
    void shouldDelayOnTopOfLatency() {
        final VirtualNetwork net = new VirtualNetwork();
        net.link(A, B).latency(MS).addFault(LinkFaults.delay(3 * MS));
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(A, 500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(B, 500));
        a.send(new byte[1], 0, 1, b.localAddress());
        net.advanceTo(4 * MS - 1);
        assertEquals(-1, b.receive(new byte[1], 0, 1));
        net.advanceTo(4 * MS);
        assertEquals(1, b.receive(new byte[1], 0, 1));
    }

    @Test
    void shouldApplyPortFilterToIkeOnly() {
        final VirtualNetwork net = new VirtualNetwork();
        net.link(A, B).addFault(LinkFaults.onPort(500, LinkFaults.dropAll()));
        final VirtualDatagramPort ike = net.openUdp(new InetSocketAddress(A, 500));
        final VirtualDatagramPort natt = net.openUdp(new InetSocketAddress(A, 4500));
        final VirtualDatagramPort peer500 = net.openUdp(new InetSocketAddress(B, 500));
        final VirtualDatagramPort peer4500 = net.openUdp(new InetSocketAddress(B, 4500));
        ike.send(new byte[1], 0, 1, peer500.localAddress());
        natt.send(new byte[1], 0, 1, peer4500.localAddress());
        net.deliverDue();
        assertEquals(-1, peer500.receive(new byte[1], 0, 1));
        assertEquals(1, peer4500.receive(new byte[1], 0, 1));
    }

    @Test
    void shouldApplyDirectionalFaultOneWayOnly() {
        final VirtualNetwork net = new VirtualNetwork();
        net.link(A, B).addFault(LinkFaults.from(A, LinkFaults.dropAll()));
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(A, 500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(B, 500));
        a.send(new byte[1], 0, 1, b.localAddress());
        b.send(new byte[1], 0, 1, a.localAddress());
        net.deliverDue();
        assertEquals(-1, b.receive(new byte[1], 0, 1));
        assertEquals(1, a.receive(new byte[1], 0, 1));
    }

    @Test
    void shouldCombineVerdictsDropFirstDelaysAdded() {
        assertEquals(FaultVerdict.DROP, FaultVerdict.delay(5).and(FaultVerdict.DROP));
        assertEquals(new FaultVerdict(false, 7, 2), FaultVerdict.delay(5).and(FaultVerdict.delay(2))
                .and(FaultVerdict.duplicate(2)));
        assertThrows(IllegalArgumentException.class, () -> new FaultVerdict(false, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> LinkFaults.dropNth(0));
        assertThrows(IllegalArgumentException.class, () -> LinkFaults.dropRandom(1.5, 1));
    }

    @Test
    void shouldRepeatSeededRandomLossExactly() {
        qt().withExamples(50).forAll(longs().all(), doubles().between(0.0, 1.0)).checkAssert((seed, p) -> {
            final List<Integer> first = run(40, LinkFaults.dropRandom(p, seed));
            assertEquals(first, run(40, LinkFaults.dropRandom(p, seed)));
            assertTrue(first.size() <= 40);
        });
    }

    @Test
    void shouldDeliverEverythingOrNothingAtTheExtremes() {
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            assertEquals(20, run(20, LinkFaults.dropRandom(0.0, seed)).size());
            assertEquals(0, run(20, LinkFaults.dropRandom(1.0, seed)).size());
            assertEquals(20, run(20, LinkFaults.duplicateRandom(0.0, seed)).size());
            assertEquals(40, run(20, LinkFaults.duplicateRandom(1.0, seed)).size());
        });
    }

    @Test
    void shouldLoseExactlyTheMultiplesOfN() {
        qt().withExamples(30).forAll(integers().between(1, 10)).checkAssert(n -> {
            final List<Integer> got = run(30, LinkFaults.dropEvery(n));
            assertEquals(30 - 30 / n, got.size());
            assertTrue(got.stream().noneMatch(i -> i % n == 0));
        });
    }
}
