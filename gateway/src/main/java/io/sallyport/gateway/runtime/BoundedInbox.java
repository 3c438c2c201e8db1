package io.sallyport.gateway.runtime;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded many-producers, one-consumer queue into an agent: lock-free, at most {@code capacity}
 * items waiting. A full inbox refuses the item ({@link #offer} returns false, the refusal is
 * counted); the caller decides what that means (an error to the operator, a counted drop). Each
 * accepted item rings the owner's {@code doorbell}; on Linux rings coalesce until the owner has
 * drained its eventfd ({@code LinuxWaiter}), so a burst costs one system call. Items the control
 * agent queues during one of its steps ring once, when the step ends ({@link StepDoorbells}).
 */
final class BoundedInbox<T> {
    private final Queue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final int capacity;
    private final Runnable doorbell;

    BoundedInbox(int capacity, Runnable doorbell) {
        this.capacity = capacity;
        this.doorbell = doorbell;
    }

    /** Any thread: queues {@code item} unless the inbox is full. */
    boolean offer(T item) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            refused.incrementAndGet();
            return false;
        }
        items.add(item);
        StepDoorbells.ring(doorbell);
        return true;
    }

    /** The owner: the next item, or null. */
    T poll() {
        T item = items.poll();
        if (item != null) {
            size.decrementAndGet();
        }
        return item;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** Items refused because the inbox was full, since start. */
    long refused() {
        return refused.get();
    }
}
