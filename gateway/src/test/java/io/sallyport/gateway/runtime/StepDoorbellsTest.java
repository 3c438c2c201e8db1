package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Commands queued during one control step wake each worker once, when the step ends. */
class StepDoorbellsTest {

    @Test
    void shouldRingEachWorkerOnceWhenTheStepEnds() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        BoundedInbox<String> a = new BoundedInbox<>(16, first::incrementAndGet);
        BoundedInbox<String> b = new BoundedInbox<>(16, second::incrementAndGet);
        int work = StepDoorbells.run(() -> {
            a.offer("tunnel");
            a.offer("outbound SA");
            b.offer("inbound SA");
            a.offer("another peer's tunnel");
            assertEquals(0, first.get(), "rung before the step ended");
            assertEquals(0, second.get(), "rung before the step ended");
            return 4;
        });
        assertEquals(4, work);
        assertEquals(1, first.get());
        assertEquals(1, second.get());
        assertEquals("tunnel", a.poll());
    }

    @Test
    void shouldRingAtOnceOutsideAStep() {
        AtomicInteger rings = new AtomicInteger();
        BoundedInbox<String> inbox = new BoundedInbox<>(16, rings::incrementAndGet);
        inbox.offer("one");
        inbox.offer("two");
        assertEquals(2, rings.get());
    }

    @Test
    void shouldRingWhatAFailedStepQueued() {
        AtomicInteger rings = new AtomicInteger();
        BoundedInbox<String> inbox = new BoundedInbox<>(16, rings::incrementAndGet);
        assertThrows(IllegalStateException.class, () -> StepDoorbells.run(() -> {
            inbox.offer("queued before the failure");
            throw new IllegalStateException("a command failed");
        }));
        assertEquals(1, rings.get());
        inbox.offer("after the step");
        assertEquals(2, rings.get());
    }

    @Test
    void shouldRingAtOnceFromAnotherThreadDuringAStep() throws Exception {
        AtomicInteger rings = new AtomicInteger();
        BoundedInbox<String> inbox = new BoundedInbox<>(16, rings::incrementAndGet);
        StepDoorbells.run(() -> {
            Thread other = Thread.ofPlatform().start(() -> inbox.offer("from a worker"));
            try {
                other.join(10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(1, rings.get());
            return 1;
        });
        assertEquals(1, rings.get());
    }
}
