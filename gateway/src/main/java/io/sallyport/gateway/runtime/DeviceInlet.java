package io.sallyport.gateway.runtime;

/**
 * Where an inbound worker puts the decrypted packets of one inside device: a {@link TunHandoff}
 * to the device's worker (which writes them), or a {@link TunQueueInlet}, a write queue of the
 * device that the inbound worker writes itself. One per inbound worker and device, used by that
 * worker only.
 */
sealed interface DeviceInlet permits TunHandoff, TunQueueInlet {

    /**
     * The inbound worker: one decrypted packet. {@code false} when it could not take it (a full
     * handoff, a released queue; the caller counts it); a write the device refuses is counted by its port.
     */
    boolean offer(byte[] buf, int off, int len);

    /** The inbound worker, at the end of each burst it offered packets in: wake the device's worker, or flush. */
    void endOfBurst();
}
