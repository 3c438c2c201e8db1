package io.sallyport.net;

/** What a port counts. Ids are stable (they name counters in operational output). */
public enum PortCounter {
    PACKETS_RECEIVED(1, "Packets received"),
    BYTES_RECEIVED(2, "Bytes received"),
    PACKETS_SENT(3, "Packets sent"),
    BYTES_SENT(4, "Bytes sent"),
    SEND_DROPPED_BUSY(5, "Send dropped: device or socket buffer full"),
    SEND_DROPPED_ERROR(6, "Send dropped: error from the host"),
    SEND_DROPPED_UNROUTABLE(7, "Send dropped: destination unreachable or invalid"),
    RECEIVE_ERROR(8, "Receive failed: error from the host"),
    RECEIVE_MALFORMED(9, "Receive dropped: malformed outer header"),
    RECEIVE_DROPPED_QUEUE_FULL(10, "Receive dropped: port queue full"),
    LAST_ERRNO(11, "Last errno reported by the host"),
    RECEIVE_DROPPED_OFFLOAD(12, "Receive dropped: offload packet that cannot be split"),
    OFFLOAD_SPLIT(13, "Super-packets received and split into segments"),
    OFFLOAD_JOINED(14, "Super-packets sent, joined from segments"),
    SENT_THROUGH_KERNEL(15, "Sent through the kernel's IP path: next hop not known, another device, or longer than the MTU");

    private final int id;
    private final String label;

    PortCounter(final int id, final String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }
}
