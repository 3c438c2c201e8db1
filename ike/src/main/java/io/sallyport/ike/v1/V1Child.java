package io.sallyport.ike.v1;

import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.TrafficSelector;
import java.util.List;

/**
 * One ESP SA pair that a quick mode made: SPIs, selectors, lifetimes, and the term it belongs to
 * (the ISAKMP SA's peer; for a dynamic peer, the instance of the allowed proxy pair its proxy IDs fit).
 */
final class V1Child {

    /**
     * Lifecycle: inbound half installed with the responder's answer and waiting for HASH(3),
     * installed, being replaced by a quick-mode rekey, replaced.
     */
    enum State { PENDING, INSTALLED, REKEYING, REKEYED }

    final PeerConfig term;
    final int spiIn;
    final int spiOut;
    final ChildProposal proposal;
    final List<TrafficSelector> localSelectors;
    final List<TrafficSelector> remoteSelectors;
    final long softDeadline;
    final long hardDeadline;
    State state = State.INSTALLED;
    /** Whether the data plane sends on this SA (the term's current outbound SA). */
    boolean outboundActive;
    /** The SA this one replaces, until that is retired; null when none. */
    V1Child replaces;
    /** Whether {@link #replaces} is deleted when retired (our rekey), or left to the peer and its lifetime. */
    boolean deletesReplaced;
    /** The message ID of the quick mode we initiated that made this SA (its message 2 retransmitted delays the switch). */
    int quickModeId;
    /** When the outbound half takes the traffic; {@code Long.MAX_VALUE} when it does, or never waited. */
    long switchAt = Long.MAX_VALUE;
    /** When the SA this one replaces is retired, after the switch; {@code Long.MAX_VALUE} when nothing is due. */
    long retireAt = Long.MAX_VALUE;
    /**
     * Taken over from an expired ISAKMP SA ({@code V1Engine.adopt}): older than the ISAKMP SA that
     * holds it now, so the peer's INITIAL-CONTACT under that SA clears it too.
     */
    boolean adopted;
    /** A rekey the peer refused is tried again from then, not at once (0: no refusal). */
    long rekeyNotBefore;
    /**
     * The kilobyte lifetime the peer proposed, in bytes: rekeyed at {@link #softBytes} (after
     * jitter), deleted at {@link #hardBytes}; {@code Long.MAX_VALUE} without one.
     */
    long softBytes = Long.MAX_VALUE;
    long hardBytes = Long.MAX_VALUE;
    /** When the data plane is next asked for the pair's bytes ({@code Action.TrafficQuery}); only with a byte lifetime. */
    long nextTrafficQuery = Long.MAX_VALUE;

    V1Child(PeerConfig term, int spiIn, int spiOut, ChildProposal proposal, List<TrafficSelector> localSelectors,
            List<TrafficSelector> remoteSelectors, long softDeadline, long hardDeadline) {
        this.term = term;
        this.spiIn = spiIn;
        this.spiOut = spiOut;
        this.proposal = proposal;
        this.localSelectors = localSelectors;
        this.remoteSelectors = remoteSelectors;
        this.softDeadline = softDeadline;
        this.hardDeadline = hardDeadline;
    }

    /** A byte lifetime: the data plane is asked for the pair's bytes from {@code now} on. */
    void limitBytes(long hard, long soft, long now) {
        hardBytes = hard;
        softBytes = soft;
        nextTrafficQuery = now;
    }

    @Override
    public String toString() {
        return String.format("IPsec SA %08x/%08x", spiIn, spiOut);
    }
}
