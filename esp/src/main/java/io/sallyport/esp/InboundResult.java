package io.sallyport.esp;

/**
 * What one inbound call produced, reused per packet by one worker. For {@link Kind#INNER} the
 * decrypted inner IP packet is at {@code buffer[innerOffset .. innerOffset+innerLength)} (the same
 * buffer that came in); for {@link Kind#IKE} the IKE message (after the non-ESP marker) is there.
 */
public final class InboundResult {
    public enum Kind { INNER, IKE, KEEPALIVE, DROPPED }

    private Kind kind = Kind.DROPPED;
    private int innerOffset;
    private int innerLength;
    private DropReason drop;
    private InboundPath path;

    public Kind kind() { return kind; }
    public int innerOffset() { return innerOffset; }
    public int innerLength() { return innerLength; }
    public DropReason drop() { return drop; }
    /** The SA that decapsulated the packet (null unless {@link Kind#INNER}). */
    public InboundPath path() { return path; }

    void inner(final InboundPath p, final int off, final int len) {
        kind = Kind.INNER;
        path = p;
        innerOffset = off;
        innerLength = len;
        drop = null;
    }

    void ike(final int off, final int len) {
        kind = Kind.IKE;
        path = null;
        innerOffset = off;
        innerLength = len;
        drop = null;
    }

    void keepalive() {
        kind = Kind.KEEPALIVE;
        path = null;
        drop = null;
    }

    void dropped(final DropReason r) {
        kind = Kind.DROPPED;
        path = null;
        drop = r;
    }
}
