package io.sallyport.gateway.runtime;

import java.net.InetAddress;

/**
 * A dynamic peer refused (wrong key, selectors outside every allowed proxy pair, no proposal, no
 * free dedicated unit) or lost (dead-peer detection, no response), for show.
 *
 * @param outcome what became of the peer's IKE SA
 * @param atNanos the gateway clock when it happened
 */
public record DynamicPeerRefusal(InetAddress peer, Outcome outcome, String reason, long atNanos) {
    /** How many a service set keeps: the latest ones (a bounded ring, whatever the peers do). */
    public static final int KEPT = 16;

    /** Whether the peer went with its IKE SA, or only a child SA it asked for was refused. */
    public enum Outcome {
        /** Its IKE SA (ISAKMP SA) was refused or ended: the peer is gone. */
        GONE,
        /** A child SA (an IKEv1 quick mode) it asked for was refused; its IKE SA stays for one that fits. */
        CHILD_REFUSED
    }
}
