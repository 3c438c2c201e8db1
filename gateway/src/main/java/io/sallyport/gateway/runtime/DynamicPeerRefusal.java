package io.sallyport.gateway.runtime;

import java.net.InetAddress;

/**
 * A dynamic peer refused (wrong key, selectors outside every allowed proxy pair, no proposal, no
 * free dedicated unit) or lost (dead-peer detection, no response), for show.
 *
 * @param atNanos the gateway clock when it happened
 */
public record DynamicPeerRefusal(InetAddress peer, String reason, long atNanos) {
    /** How many a service set keeps: the latest ones (a bounded ring, whatever the peers do). */
    public static final int KEPT = 16;
}
