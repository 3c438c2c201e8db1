package io.sallyport.esp;

import io.sallyport.packet.TcpMssClamp;

/**
 * The service set's {@code tcp-mss} on an inner packet, the same step sealed into the tunnel and
 * opened from it, counted as Junos counts it ("SYN Received", "SYN Modified"). Passive mode does
 * not skip it: the seed lists what {@code passive-mode-tunneling} turns off (the active IP checks,
 * the tunnel as a hop, ICMP over the tunnel MTU) and the clamp is none of them; it reads only
 * within the packet's lengths, so a malformed packet passes untouched.
 */
final class MssClamping {
    private MssClamping() {}

    static void clamp(final byte[] buf, final int off, final int len, final int mss, final EspCounters counters) {
        switch (TcpMssClamp.clamp(buf, off, len, mss)) {
            case NOT_SYN -> { }
            case SYN_KEPT -> counters.increment(EspStat.TCP_SYNS);
            case SYN_CLAMPED -> {
                counters.increment(EspStat.TCP_SYNS);
                counters.increment(EspStat.TCP_MSS_CLAMPED);
            }
        }
    }
}
