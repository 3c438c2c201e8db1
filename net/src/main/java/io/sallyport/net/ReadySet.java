package io.sallyport.net;

/**
 * Waits on several ports at once, so one worker can own a TUN queue and its sockets and sleep
 * until any of them has data. Ports are numbered in the order given to the factory (at most 64).
 */
public interface ReadySet {

    /**
     * Waits until at least one port is readable or the timeout passes.
     *
     * @return a bit mask with bit {@code i} set when port {@code i} is readable (or has an error
     *     to collect); 0 on timeout
     */
    long await(long timeoutMillis);

    int size();
}
