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

    /** Lifecycle: installed, being replaced by a quick-mode rekey, replaced. */
    enum State { INSTALLED, REKEYING, REKEYED }

    final PeerConfig term;
    final int spiIn;
    final int spiOut;
    final ChildProposal proposal;
    final List<TrafficSelector> localSelectors;
    final List<TrafficSelector> remoteSelectors;
    final long softDeadline;
    final long hardDeadline;
    State state = State.INSTALLED;

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

    @Override
    public String toString() {
        return String.format("IPsec SA %08x/%08x", spiIn, spiOut);
    }
}
