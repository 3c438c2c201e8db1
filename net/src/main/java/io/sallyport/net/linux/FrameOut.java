package io.sallyport.net.linux;

import java.lang.foreign.MemorySegment;

/** Whole Ethernet frames out of one device, written in place into native slots and sent in batches. */
sealed interface FrameOut extends AutoCloseable permits XskSocket.Transmit, LinuxFrameSender {

    /** A slot for the next frame, or null when none is free until the host finished sending earlier ones. */
    MemorySegment slot();

    /** Queues the frame of {@code length} bytes just written into {@link #slot}. */
    void commit(int length);

    /** Hands the queued frames to the host; returns how many it refused (dropped). */
    int send();

    @Override
    void close();
}
