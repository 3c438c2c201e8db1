package io.sallyport.ike.message;

import java.io.ByteArrayOutputStream;

/**
 * Reassembly of one fragmented message (RFC 7383 §2.6) per IKE SA and direction. Each fragment
 * number is stored once; what the buffer holds is capped by {@code maxBytes} and by the engine's
 * {@link ReassemblyBudget}. A message that would exceed the cap is given up until a message with
 * another ID starts.
 */
public final class FragmentBuffer {

    static final int MAX_FRAGMENTS = 64;

    /** A reassembled message: decrypted inner bytes and the first inner payload type. */
    public record Reassembled(byte[] plain, int firstPayload) {
    }

    /** What became of one fragment. */
    enum Outcome { STORED, COMPLETE, OVER_LIMIT }

    private final int maxBytes;
    private final ReassemblyBudget budget;
    private int messageId = -1;
    private int refusedMessageId = -1;
    private int total;
    private int firstPayload;
    private byte[][] parts;
    private int received;
    private long held;
    private Reassembled done;

    /** A buffer bounded only by the fragment count (64 fragments of at most 64 KiB). */
    public FragmentBuffer() {
        this(MAX_FRAGMENTS * 65_535, new ReassemblyBudget(Long.MAX_VALUE));
    }

    public FragmentBuffer(int maxBytes, ReassemblyBudget budget) {
        this.maxBytes = maxBytes;
        this.budget = budget;
    }

    public int received() { return received; }

    /** Bytes of decrypted fragments held. */
    public long heldBytes() { return held; }

    /** Stores one decrypted fragment; {@link Outcome#COMPLETE} once every fragment is in ({@link #take}). */
    Outcome add(int msgId, int number, int count, int first, byte[] plain) {
        if (msgId == refusedMessageId) {
            return Outcome.OVER_LIMIT;
        }
        if (msgId != messageId || count > total) {
            // A new message, or a retransmission split into more fragments (§2.6.1): start again.
            clear();
            messageId = msgId;
            total = count;
            parts = new byte[count][];
            firstPayload = -1;
        } else if (count < total) {
            return Outcome.STORED; // an older, coarser split of the message being reassembled: ignored
        }
        if (parts[number - 1] == null) {
            if (held + plain.length > maxBytes) {
                refusedMessageId = msgId;
                clear();
                return Outcome.OVER_LIMIT;
            }
            if (!budget.reserve(plain.length)) {
                return Outcome.OVER_LIMIT;
            }
            parts[number - 1] = plain;
            held += plain.length;
            received++;
        }
        if (first >= 0) {
            firstPayload = first;
        }
        if (received < total || firstPayload < 0) {
            return Outcome.STORED;
        }
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        done = new Reassembled(out.toByteArray(), firstPayload);
        clear();
        return Outcome.COMPLETE;
    }

    /** The message the last {@link Outcome#COMPLETE} finished. */
    Reassembled take() {
        Reassembled r = done;
        done = null;
        return r;
    }

    /** Forgets the message being reassembled and gives its bytes back to the budget. */
    public void clear() {
        budget.release(held);
        held = 0;
        received = 0;
        parts = null;
        messageId = -1;
    }
}
