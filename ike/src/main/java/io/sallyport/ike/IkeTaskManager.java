package io.sallyport.ike;

import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Retransmission;
import io.sallyport.ike.task.Step;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The task manager of one IKEv2 SA (strongSwan's task manager is the model): it alone allocates
 * message IDs, keeps the one outstanding request (window size 1) and retransmits it with doubling
 * backoff, holds the queue of tasks waiting for the window, checks the peer's requests against
 * the window and answers an exact copy of the last one with the cached response. Tasks build and
 * check payloads only; the SA ({@link IkeSession}) encodes and decodes under its keys.
 */
final class IkeTaskManager {

    /** The request in the air: its task, ID, packets and retransmission state. */
    private static final class Outstanding {
        final IkeTask task;
        final int messageId;
        final List<byte[]> packets;
        final Retransmission retransmission;
        int retries;
        long deadline;
        /** An unprotected error notify that answered it: believed only if no protected answer comes (§2.21). */
        Optional<NotifyError> unprotectedError = Optional.empty();

        Outstanding(IkeTask task, int messageId, List<byte[]> packets, Retransmission retransmission, long now) {
            this.task = task;
            this.messageId = messageId;
            this.packets = packets;
            this.retransmission = retransmission;
            this.deadline = retransmission.deadline(now, 0);
        }
    }

    private final IkeSession sa;
    private final Deque<IkeTask> queue = new ArrayDeque<>();
    private Outstanding outstanding;
    private int nextRequestId;
    private int expectedRequestId;
    private int lastResponseId = -1;
    private List<byte[]> lastResponse = List.of();
    /**
     * The request answered by {@link #lastResponse} as it came, or its fragment 1 (only that one
     * triggers a resend, RFC 7383 §2.6.1); and the same of the request being reassembled.
     */
    private byte[] lastRequest;
    private byte[] requestFirstPacket;

    IkeTaskManager(IkeSession sa) {
        this.sa = sa;
    }

    // ---------------------------------------------------------------- our requests

    /** Queues a task behind the others. */
    void queue(IkeTask t) { queue.add(t); }

    /** Queues a task to run next, before those already waiting (a follow-up of the exchange just done). */
    void queueFirst(IkeTask t) { queue.addFirst(t); }

    /** Sends the next queued request while the window (size 1) is free. */
    void startNext(long now, List<Action> out) {
        while (outstanding == null && !queue.isEmpty() && !sa.isClosed()) {
            IkeTask t = queue.poll();
            if (!t.runsIn(sa.state)) {
                continue;
            }
            if (t.initiate(now, out) instanceof Step.Send<List<Payload>> send) {
                request(now, t, send.message(), out);
            }
        }
    }

    private void request(long now, IkeTask t, List<Payload> payloads, List<Action> out) {
        boolean init = t.exchangeType() == Wire.IKE_SA_INIT;
        int id = init ? 0 : nextRequestId;
        IkeHeader h = new IkeHeader(sa.spiI, init ? 0 : sa.spiR, 0, t.exchangeType(), sa.initiator ? Wire.FLAG_INITIATOR : 0, id, 0);
        nextRequestId = id + 1;
        var r = new Retransmission(sa.env.options().retransmitBaseNanos(), t.tries(sa));
        sa.statistics.sending(payloads);
        if (t instanceof Informational.Dpd) {
            sa.statistics.dpdAsked(now);
        }
        outstanding = new Outstanding(t, id, sa.encode(h, payloads), r, now);
        sa.send(out, outstanding.packets);
    }

    /**
     * A request sent once and never retransmitted, outside the window (RFC 7296 §2.21.2: telling
     * the responder that its AUTH was refused, just before the SA is forgotten).
     */
    private void sendUnanswered(int exchangeType, List<Payload> payloads, List<Action> out) {
        IkeHeader h = new IkeHeader(sa.spiI, sa.spiR, 0, exchangeType, sa.initiator ? Wire.FLAG_INITIATOR : 0, nextRequestId++, 0);
        sa.statistics.sending(payloads);
        sa.send(out, sa.encode(h, payloads));
    }

    /** The task whose request {@code h} answers, or null (counted): it stays outstanding until {@link #answered}. */
    IkeTask awaiting(IkeHeader h) {
        if (outstanding == null || h.messageId() != outstanding.messageId || h.fromInitiator() == sa.initiator) {
            sa.env.count(DropReason.UNEXPECTED_RESPONSE);
            return null;
        }
        return outstanding.task;
    }

    /** An unprotected error notify answered the outstanding request (believed only at the end, §2.21). */
    void unprotectedError(NotifyError error) {
        outstanding.unprotectedError = Optional.of(error);
    }

    /**
     * The response to the outstanding request: its task handles it. Returns false when the task
     * dropped it (it keeps waiting, retransmitting). A task that fails ends the SA here, with its
     * typed reason, after its notice (if any) went to the peer once, unanswered (RFC 7296 §2.21.2).
     */
    boolean answered(long now, IkeMessage m, List<Action> out) {
        Outstanding o = outstanding;
        outstanding = null;
        Step<List<Payload>> step = o.task.process(now, m, out);
        switch (step) {
            case Step.Drop<List<Payload>> d -> {
                sa.env.count(d.reason());
                outstanding = o;
                return false;
            }
            case Step.Done<List<Payload>> d when o.task instanceof Informational.Dpd -> sa.statistics.dpdAnswered(now);
            // The task needs another exchange at once (a COOKIE or another D-H group asked for).
            case Step.Send<List<Payload>> s -> request(now, o.task, s.message(), out);
            case Step.SendLast<List<Payload>> s -> request(now, o.task, s.message(), out);
            case Step.Done<List<Payload>> d -> { }
            case Step.Failed<List<Payload>> f -> {
                sa.statistics.failed(o.task.exchangeType());
                if (f.notice() != null) {
                    sendUnanswered(Wire.INFORMATIONAL, f.notice(), out);
                }
                sa.end(out, f.failure());
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- the peer's requests

    /**
     * Whether {@code raw} is the peer's next request, to be decoded and answered. An exact copy of
     * the request answered last is answered again with the cached response; anything else outside
     * the window is counted and dropped.
     */
    boolean admit(IkeHeader h, byte[] raw, List<Action> out) {
        if (h.fromInitiator() == sa.initiator) {
            sa.env.count(DropReason.UNEXPECTED_EXCHANGE);
            return false;
        }
        if (h.messageId() == lastResponseId) {
            if (MessageCodec.fragmentNumber(raw) > 1) {
                sa.env.count(DropReason.DUPLICATE_FRAGMENT);
                return false;
            }
            // Only an exact copy of the answered request is a retransmission (strongSwan compares too).
            if (Arrays.equals(lastRequest, raw)) {
                sa.env.count(DropReason.RETRANSMITTED_REQUEST);
                sa.send(out, lastResponse);
            } else {
                sa.env.count(DropReason.OUT_OF_WINDOW);
            }
            return false;
        }
        if (h.messageId() != expectedRequestId) {
            sa.env.count(DropReason.OUT_OF_WINDOW);
            return false;
        }
        return true;
    }

    /** A datagram of the request being received (fragment 1 or the whole message) that a retransmission must match. */
    void requestReceived(byte[] raw) {
        if (MessageCodec.fragmentNumber(raw) <= 1) {
            requestFirstPacket = raw;
        }
    }

    /** The request being received will not be answered. */
    void requestDropped() { requestFirstPacket = null; }

    /** Answers the peer's request {@code req}; the response is cached for its retransmissions. */
    void respond(IkeHeader req, List<Payload> payloads, List<Action> out) {
        IkeHeader h = new IkeHeader(sa.spiI, sa.spiR, 0, req.exchangeType(),
                Wire.FLAG_RESPONSE | (sa.initiator ? Wire.FLAG_INITIATOR : 0), req.messageId(), 0);
        sa.statistics.sending(payloads);
        answeredWith(req.messageId(), requestFirstPacket, sa.encode(h, payloads));
        sa.send(out, lastResponse);
    }

    /** The responder's IKE_SA_INIT was answered (unencrypted, before this SA's keys exist). */
    void answeredWith(int messageId, byte[] request, List<byte[]> response) {
        lastResponse = response;
        lastResponseId = messageId;
        lastRequest = request;
        requestFirstPacket = null;
        expectedRequestId = messageId + 1;
    }

    // ---------------------------------------------------------------- timers and state

    /** Retransmits the outstanding request when due, or gives its task up. */
    void tick(long now, List<Action> out) {
        Outstanding o = outstanding;
        if (o == null || now < o.deadline) {
            return;
        }
        boolean exhausted = o.retransmission.exhausted(o.retries);
        if (o.task instanceof Informational.Dpd) {
            sa.statistics.dpdMissed(!exhausted);
        }
        if (exhausted) {
            outstanding = null;
            sa.statistics.failed(o.task.exchangeType());
            sa.end(out, o.task.unanswered(sa, o.unprotectedError));
            return;
        }
        o.retries++;
        o.deadline = o.retransmission.deadline(now, o.retries);
        sa.env.trace(out, TraceFlag.TIMER, TraceLevel.VERBOSE, "retransmit " + o.retries + " of message " + o.messageId + " to " + sa.peer.name());
        sa.send(out, o.packets);
    }

    /** When the outstanding request is to be retransmitted next. */
    long nextDeadline() { return outstanding == null ? Long.MAX_VALUE : outstanding.deadline; }

    /** Whether a request of ours is in the air. */
    boolean awaitingResponse() { return outstanding != null; }

    /** Whether nothing is in the air or queued. */
    boolean idle() { return outstanding == null && queue.isEmpty(); }

    /** The task whose request is in the air, or null. */
    IkeTask outstandingTask() { return outstanding == null ? null : outstanding.task; }

    /** Whether the outstanding or a queued task is one {@code p} accepts. */
    boolean any(Predicate<IkeTask> p) {
        return outstanding != null && p.test(outstanding.task) || queue.stream().anyMatch(p);
    }

    /** Nothing more will run (the SA is closing). */
    void clear() {
        outstanding = null;
        queue.clear();
    }

    int expectedRequestId() { return expectedRequestId; }

    int lastResponseId() { return lastResponseId; }

    /** Takes a message ID for a request built outside a task: tests that speak as the SA under its keys. */
    int takeRequestId() { return nextRequestId++; }
}
