package io.sallyport.net.virtual;

/** Why a {@link VirtualNetwork} lost a datagram. Ids are stable. */
public enum VirtualDropReason {
    NO_ROUTE(1, "No link between source and destination"),
    LINK_DOWN(2, "Link down"),
    TOO_BIG(3, "Larger than the link MTU"),
    FAULT(4, "Dropped by an injected fault"),
    NO_LISTENER(5, "No port bound at the destination"),
    QUEUE_FULL(6, "Receiving port's queue full"),
    NAT_NO_MAPPING(7, "Arrived at a NAT without a matching mapping");

    private final int id;
    private final String label;

    VirtualDropReason(final int id, final String label) {
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
