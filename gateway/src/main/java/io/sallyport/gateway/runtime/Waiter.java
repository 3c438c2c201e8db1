package io.sallyport.gateway.runtime;

/**
 * Where a threaded data worker sleeps: until one of its ports is readable, a timeout passes, or
 * another thread calls {@link #wake} (a command or a handed-off packet is waiting). On Linux one
 * {@code poll} over the ports and an {@code eventfd}; the lab never sleeps.
 */
public interface Waiter extends AutoCloseable {

    /** Sleeps at most {@code timeoutMillis}; returns early when a port is readable or after {@link #wake}. */
    void await(long timeoutMillis);

    /**
     * Stops waking for one of the ports (a TUN device the host deleted reports an error on every
     * poll until it is recreated), or watches it again. The owner thread only.
     */
    void ignore(Object port, boolean ignored);

    /** Any thread. Cheap enough to call once per burst, not meant per packet. */
    void wake();

    @Override
    void close();
}
