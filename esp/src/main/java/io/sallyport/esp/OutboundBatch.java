package io.sallyport.esp;

/**
 * What one {@link OutboundPath#encapsulate} call produced, reused for every packet by one worker
 * (no allocation per packet). Packets to send are (buffer, offset, length) triples: the caller's
 * own buffer when the packet was encapsulated in place, or this batch's scratch slots when the
 * inner packet was fragmented first. An ICMP error for the inside lands in {@link #icmpBuffer()}.
 */
public final class OutboundBatch {
    /** Most fragments one inner packet may be split into; more is counted as exceeding the tunnel MTU. */
    public static final int MAX_FRAGMENTS = 64;
    /** Slot size for one fragment: headroom, the largest tunnel MTU, tailroom. */
    static final int SLOT = OutboundPath.MAX_HEADROOM + 9192 + OutboundPath.MAX_TAILROOM;

    private final byte[] scratch = new byte[MAX_FRAGMENTS * SLOT];
    private final byte[] icmp = new byte[1280 + 64];
    private final byte[][] buffers = new byte[MAX_FRAGMENTS][];
    private final int[] offsets = new int[MAX_FRAGMENTS];
    private final int[] lengths = new int[MAX_FRAGMENTS];
    private int count;
    private int icmpLength;
    private int sourcePort;
    private int outerTtl;
    private int outerTos;
    private boolean outerDf;
    private DropReason drop;
    private SaEvent event = SaEvent.NONE;

    /** Packets to send to the peer. */
    public int count() { return count; }
    public byte[] buffer(final int i) { return buffers[i]; }
    public int offset(final int i) { return offsets[i]; }
    public int length(final int i) { return lengths[i]; }
    /** UDP source port for this packet's flow (0 without UDP encapsulation): for a UDP socket send. */
    public int sourcePort() { return sourcePort; }
    /**
     * The outer header's TTL (hop limit), ToS (traffic class) and DF of this packet's ESP, as the SA
     * gives them (configured, or copied from this inner packet): for a socket that builds the
     * outer header itself (the packets then hold only what it sends). Valid after a packet to send.
     */
    public int outerTtl() { return outerTtl; }
    public int outerTos() { return outerTos; }
    public boolean outerDf() { return outerDf; }
    /** Length of an ICMP error to deliver to the inside, 0 if none. */
    public int icmpLength() { return icmpLength; }
    public byte[] icmpBuffer() { return icmp; }
    /** Why the inner packet was dropped, or null. */
    public DropReason drop() { return drop; }
    /** An SA event raised by this packet (rollover), or NONE. */
    public SaEvent event() { return event; }

    void reset() {
        count = 0;
        icmpLength = 0;
        sourcePort = 0;
        drop = null;
        event = SaEvent.NONE;
    }

    void add(final byte[] buf, final int off, final int len) {
        buffers[count] = buf;
        offsets[count] = off;
        lengths[count] = len;
        count++;
    }

    byte[] scratch() { return scratch; }
    void icmpLength(final int n) { icmpLength = n; }
    void sourcePort(final int p) { sourcePort = p; }
    void outerHeader(final int ttl, final int tos, final boolean df) {
        outerTtl = ttl;
        outerTos = tos;
        outerDf = df;
    }
    void drop(final DropReason r) { drop = r; }
    void event(final SaEvent e) { event = e; }
}
