package io.sallyport.gateway.linux;

import io.sallyport.gateway.runtime.Waiter;
import io.sallyport.net.linux.LinuxEventFd;
import io.sallyport.net.linux.LinuxReadySet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's sleep on Linux: one {@code poll} over its ports and an {@code eventfd} that other
 * threads signal. Waking is lock-free; closing waits for wakers already inside {@link #wake}, so
 * no one writes to a descriptor number the kernel may have given to something else.
 *
 * <p>Wakes coalesce: only the first {@link #wake} after the owner last drained the doorbell writes
 * to the eventfd; later ones find it rung and return (a burst of commands costs one system call).
 * The owner drains before it clears the flag, so a wake that found the flag set is always followed
 * by a poll that sees the doorbell, and the owner reads its queue after that poll.
 */
final class LinuxWaiter implements Waiter {
    private final LinuxEventFd doorbell = LinuxEventFd.open();
    private final List<?> ports;
    private final LinuxReadySet ready;
    private final long doorbellBit;
    private final AtomicInteger waking = new AtomicInteger();
    /** Rung since the owner last drained: the eventfd is readable or about to be. */
    private final AtomicBoolean rung = new AtomicBoolean();
    private volatile boolean closed;

    LinuxWaiter(List<?> ports) {
        this.ports = List.copyOf(ports);
        List<Object> all = new ArrayList<>(ports);
        all.add(doorbell);
        this.ready = LinuxReadySet.of(all);
        this.doorbellBit = 1L << ports.size();
    }

    @Override
    public void await(long timeoutMillis) {
        if ((ready.await(timeoutMillis) & doorbellBit) != 0) {
            doorbell.drain();
            rung.set(false);
        }
    }

    @Override
    public void ignore(Object port, boolean ignored) {
        int index = ports.indexOf(port);
        if (index < 0) {
            throw new IllegalArgumentException("not a port of this waiter: " + port);
        }
        ready.ignore(index, ignored);
    }

    @Override
    public void wake() {
        waking.incrementAndGet();
        try {
            if (!closed && rung.compareAndSet(false, true)) {
                doorbell.signal();
            }
        } finally {
            waking.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        while (waking.get() > 0) {
            Thread.onSpinWait();
        }
        ready.close();
        doorbell.close();
    }
}
