package io.sallyport.net.linux;

import io.sallyport.net.OuterHeader;

/**
 * How a send batch's datagrams become messages, pure: runs for one UDP GSO message each (same
 * destination, same outer header, same length with a shorter last, at most a 64 KB packet's
 * worth), and groups of messages that share one DF value (the socket's, set between
 * groups). A datagram asking for the kernel's header ({@link OuterHeader#KERNEL}) has no DF of
 * its own and joins any group.
 */
final class SendRuns {
    /** No DF of its own: the kernel's header (or IPv6 UDP, whose DF travels with each message). */
    static final int ANY_DF = -1;

    private SendRuns() {
    }

    /**
     * The end (exclusive) of the run that starts at datagram {@code from} of {@code count}.
     *
     * @param destinationOf equal values mean the same destination
     * @param maxBytes      the most payload one GSO message may carry
     */
    static int runEnd(final int from, final int count, final int[] destinationOf, final int[] lengths,
                      final int[] outers, final int maxBytes) {
        int j = from + 1;
        int total = lengths[from];
        while (j < count && destinationOf[j] == destinationOf[from] && outers[j] == outers[from]
                && lengths[j] <= lengths[from] && total + lengths[j] <= maxBytes) {
            total += lengths[j];
            j++;
            if (lengths[j - 1] < lengths[from]) {
                break;
            }
        }
        return j;
    }

    /**
     * The socket DF a datagram with outer header {@code outer} needs: 0, 1 or {@link #ANY_DF}.
     *
     * @param bySocket whether the socket's option carries DF (IPv4, raw IPv6), not each message
     */
    static int df(final boolean bySocket, final int outer) {
        return !bySocket || !OuterHeader.given(outer) ? ANY_DF : OuterHeader.dontFragment(outer) ? 1 : 0;
    }

    /**
     * The end (exclusive) of the group of messages from {@code from} that can share one DF, and
     * that DF in {@code dfOut[0]}.
     *
     * @param dfs each message's DF (0, 1, {@link #ANY_DF})
     */
    static int dfGroupEnd(final int from, final int messages, final int[] dfs, final int[] dfOut) {
        int df = dfs[from];
        int to = from + 1;
        while (to < messages) {
            final int next = dfs[to];
            if (next != ANY_DF && df != ANY_DF && next != df) {
                break;
            }
            df = df == ANY_DF ? next : df;
            to++;
        }
        dfOut[0] = df;
        return to;
    }
}
