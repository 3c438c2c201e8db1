package io.sallyport.ike;

import io.sallyport.ike.message.TrafficSelector;
import java.util.List;

/** One ESP SA pair as kmd tracks it: SPIs, selectors, the nonces that made it, its timers. */
final class ChildSa {

    /** Lifecycle of a child SA; EXPIRED: gone locally at its hard lifetime, the peer still to be told. */
    enum State { INSTALLED, REKEYING, REKEYED, DELETING, EXPIRED }

    /** The term (kmd peer, one tunnel) whose selectors this SA carries; several share one IKE SA. */
    final PeerConfig term;
    final int spiIn;
    final int spiOut;
    final ChildProposal proposal;
    final List<TrafficSelector> localSelectors;
    final List<TrafficSelector> remoteSelectors;
    /** The nonces of the exchange that created this SA (for the §2.8.1 lowest-nonce rule). */
    final byte[] ni;
    final byte[] nr;
    final long softDeadline;
    final long hardDeadline;
    State state = State.INSTALLED;
    /** Refused rekeys and the PFS group the peer asked for. */
    final RekeyRetry rekeyRetry = new RekeyRetry();
    /**
     * When the next rekey starts by itself: the soft lifetime, or after a refusal the end of the
     * back-off (also when the refused rekey was asked for early, e.g. at ESP sequence-number rollover).
     */
    long rekeyDue;
    /** Whether the data plane sends on this SA (the responder of a rekey waits, see {@link Action.InstallChildSa}). */
    boolean outboundActive;
    /**
     * The SA a rekey made to replace this one: when this one goes (the peer's delete, ours, its
     * lifetime), outbound traffic moves to it if it still waits.
     */
    ChildSa replacement;

    ChildSa(PeerConfig term, int spiIn, int spiOut, ChildProposal proposal, List<TrafficSelector> localSelectors,
            List<TrafficSelector> remoteSelectors, byte[] ni, byte[] nr, long softDeadline, long hardDeadline) {
        this.term = term;
        this.spiIn = spiIn;
        this.spiOut = spiOut;
        this.proposal = proposal;
        this.localSelectors = localSelectors;
        this.remoteSelectors = remoteSelectors;
        this.ni = ni;
        this.nr = nr;
        this.softDeadline = softDeadline;
        this.rekeyDue = softDeadline;
        this.hardDeadline = hardDeadline;
    }

    @Override
    public String toString() {
        return String.format("child %08x/%08x", spiIn, spiOut);
    }
}
