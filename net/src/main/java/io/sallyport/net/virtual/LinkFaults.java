package io.sallyport.net.virtual;

import java.net.InetAddress;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/** Ready-made {@link LinkFault}s. Counts are 1-based and count only the datagrams judged. */
public final class LinkFaults {

    private LinkFaults() {
    }

    /** Drops everything (a black hole that still says the link is up). */
    public static LinkFault dropAll() {
        return (d, now) -> FaultVerdict.DROP;
    }

    /** Drops each datagram with {@code probability}, reproducibly for a given {@code seed}. */
    public static LinkFault dropRandom(final double probability, final long seed) {
        requireProbability(probability);
        final SplittableRandom random = new SplittableRandom(seed);
        return (d, now) -> random.nextDouble() < probability ? FaultVerdict.DROP : FaultVerdict.PASS;
    }

    /** Drops exactly the {@code n}-th datagram and no other. */
    public static LinkFault dropNth(final long n) {
        requirePositive(n);
        return counting(n, false, FaultVerdict.DROP);
    }

    /** Drops every {@code n}-th datagram (n, 2n, 3n ...). */
    public static LinkFault dropEvery(final long n) {
        requirePositive(n);
        return counting(n, true, FaultVerdict.DROP);
    }

    /** Delays every datagram by {@code nanos} on top of the link latency. */
    public static LinkFault delay(final long nanos) {
        final FaultVerdict verdict = FaultVerdict.delay(nanos);
        return (d, now) -> verdict;
    }

    /**
     * Holds back every {@code n}-th datagram by {@code holdNanos}, so datagrams sent after it
     * overtake it: a reorder.
     */
    public static LinkFault reorderEvery(final long n, final long holdNanos) {
        requirePositive(n);
        return counting(n, true, FaultVerdict.delay(holdNanos));
    }

    /** Delivers every {@code n}-th datagram twice. */
    public static LinkFault duplicateEvery(final long n) {
        requirePositive(n);
        return counting(n, true, FaultVerdict.duplicate(2));
    }

    /** Delivers each datagram twice with {@code probability}, reproducibly for {@code seed}. */
    public static LinkFault duplicateRandom(final double probability, final long seed) {
        requireProbability(probability);
        final SplittableRandom random = new SplittableRandom(seed);
        final FaultVerdict twice = FaultVerdict.duplicate(2);
        return (d, now) -> random.nextDouble() < probability ? twice : FaultVerdict.PASS;
    }

    /** Applies {@code fault} only to datagrams that match; others pass and are not counted. */
    public static LinkFault matching(final Predicate<VirtualDatagram> filter, final LinkFault fault) {
        return (d, now) -> filter.test(d) ? fault.judge(d, now) : FaultVerdict.PASS;
    }

    /** Applies {@code fault} only in one direction: datagrams sent by {@code source}. */
    public static LinkFault from(final InetAddress source, final LinkFault fault) {
        return matching(d -> d.source().getAddress().equals(source), fault);
    }

    /** Applies {@code fault} only to datagrams to or from UDP port {@code port} (500: IKE). */
    public static LinkFault onPort(final int port, final LinkFault fault) {
        return matching(d -> d.protocol() == VirtualDatagram.Protocol.UDP
                && (d.source().getPort() == port || d.destination().getPort() == port), fault);
    }

    private static LinkFault counting(final long n, final boolean repeat, final FaultVerdict hit) {
        final long[] seen = {0};
        return (d, now) -> {
            seen[0]++;
            final boolean isHit = repeat ? seen[0] % n == 0 : seen[0] == n;
            return isHit ? hit : FaultVerdict.PASS;
        };
    }

    private static void requirePositive(final long n) {
        if (n < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + n);
        }
    }

    private static void requireProbability(final double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability outside 0..1: " + p);
        }
    }
}
