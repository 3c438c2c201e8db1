package io.sallyport.gateway.runtime;

import io.sallyport.net.TunPort;

/**
 * A write queue of an inside device owned by one inbound worker: decrypted packets go straight
 * into the device (a TUN queue with offloads joins a burst's TCP segments into one write at
 * {@link #endOfBurst}), with no copy into a handoff ring and no wake-up of the device's worker.
 * The host sends nothing to this queue (its steering program picks the device worker's queue).
 * Opened by the control agent; closed by the inbound worker ({@link InboundAgent#releaseQueue})
 * or, once that worker stopped, by the control agent.
 */
final class TunQueueInlet implements DeviceInlet {
    private final TunPort queue;
    private boolean closed;

    TunQueueInlet(TunPort queue) {
        this.queue = queue;
    }

    TunPort queue() {
        return queue;
    }

    /**
     * Writes the packet; a refused write is counted by the queue's port. After {@link #close}
     * (the device went away before kmd's deletes removed the SAs that still deliver here) false:
     * the caller counts it.
     */
    @Override
    public boolean offer(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        queue.write(buf, off, len);
        return true;
    }

    @Override
    public void endOfBurst() {
        if (!closed) {
            queue.flush();
        }
    }

    /** Its writer (or the control agent once the writer stopped); a second call does nothing. */
    void close() {
        if (!closed) {
            closed = true;
            queue.close();
        }
    }
}
