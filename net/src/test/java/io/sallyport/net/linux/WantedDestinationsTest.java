package io.sallyport.net.linux;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The senders' lock-free set of destinations waiting for the next-hop cache's round. */
class WantedDestinationsTest {

    @Test
    @DisplayName("An address is added once until a round takes it; 0.0.0.0 and 255.255.255.255 are addresses like any other")
    void shouldAddOnceUntilTaken() {
        final WantedDestinations wanted = new WantedDestinations(4);
        for (final int d : new int[] {0, -1, 0xc0000201}) {
            assertTrue(wanted.add(d));
            assertFalse(wanted.add(d), "waiting already");
        }
        assertEquals(3, wanted.count());
        final List<Integer> taken = new ArrayList<>();
        wanted.takeAll(taken::add);
        assertEquals(List.of(0xc0000201, -1, 0), taken.stream().sorted().toList());
        assertEquals(0, wanted.count());
        wanted.takeAll(d -> taken.add(d));
        assertEquals(3, taken.size(), "nothing left to take");
        assertTrue(wanted.add(0), "taken: a new want");
    }

    @Test
    @DisplayName("Full slots refuse another address rather than probe forever")
    void shouldRefuseWhenFull() {
        final WantedDestinations wanted = new WantedDestinations(1);
        assertTrue(wanted.add(1));
        assertTrue(wanted.add(2), "two slots for a capacity of one");
        assertFalse(wanted.add(3));
        assertEquals(2, wanted.count());
    }

    @Test
    @DisplayName("Two senders asking for the same 2,000 addresses at once add each exactly once")
    void shouldAddEachOnceUnderContention() throws Exception {
        final WantedDestinations wanted = new WantedDestinations(4096);
        final AtomicInteger added = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            senders.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 2000; i++) {
                    if (wanted.add(0xc6120000 + i)) {
                        added.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (final Thread sender : senders) {
            sender.join();
        }
        assertEquals(2000, added.get());
        assertEquals(2000, wanted.count());
        final boolean[] seen = new boolean[2000];
        wanted.takeAll(d -> {
            assertFalse(seen[d - 0xc6120000], "taken twice: " + d);
            seen[d - 0xc6120000] = true;
        });
        for (final boolean s : seen) {
            assertTrue(s);
        }
    }
}
