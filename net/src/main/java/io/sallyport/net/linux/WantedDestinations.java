package io.sallyport.net.linux;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;

/**
 * The destinations (IPv4 addresses as ints) the senders asked {@link NextHopCache} for and its
 * refreshing thread has not taken yet: a lock-free open-addressing set over a long array, since
 * every packet to a waiting destination asks again, and a set of {@code Integer} boxed an address
 * per packet. A slot holds an address with bit 32 set (so 0.0.0.0 is one too), 0 when free; the
 * senders add with a compare-and-set, the refreshing thread alone takes (and frees) the slots.
 * An address a sender asks for while a round takes the one before it in its probe run may be
 * added a second time, to a freed slot: the round keeps each destination once, so it costs a
 * wake-up.
 */
final class WantedDestinations {

    private static final long HELD = 1L << 32;

    private final AtomicLongArray slots;
    private final int shift;
    private final AtomicInteger count = new AtomicInteger();

    /** Room for {@code capacity} addresses with the slots at most half full. */
    WantedDestinations(final int capacity) {
        final int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(2 * capacity - 1));
        slots = new AtomicLongArray(1 << bits);
        shift = 32 - bits;
    }

    /** Adds {@code destination}; true when it was not waiting already. Any thread; allocates nothing. */
    boolean add(final int destination) {
        final long held = HELD | Integer.toUnsignedLong(destination);
        final int mask = slots.length() - 1;
        // Fibonacci hashing: neighbouring addresses land far apart.
        int at = (destination * 0x9E3779B9) >>> shift;
        for (int probes = 0; probes < slots.length(); ) {
            final long slot = slots.get(at);
            if (slot == held) {
                return false;
            }
            if (slot == 0) {
                if (slots.compareAndSet(at, 0, held)) {
                    count.incrementAndGet();
                    return true;
                }
                continue; // another sender took the slot first: look at it again
            }
            at = (at + 1) & mask;
            probes++;
        }
        return false;
    }

    /** How many wait (a moment behind the slots while a sender adds or a round takes). */
    int count() {
        return count.get();
    }

    /** Takes every waiting address, handing each to {@code taken}: the refreshing thread's. */
    void takeAll(final IntConsumer taken) {
        for (int at = 0; at < slots.length(); at++) {
            if (slots.get(at) != 0) {
                final long slot = slots.getAndSet(at, 0);
                if (slot != 0) {
                    count.decrementAndGet();
                    taken.accept((int) slot);
                }
            }
        }
    }
}
