package io.sallyport.ike.v1;

import io.sallyport.ike.Action;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Retransmission;
import io.sallyport.ike.task.Step;
import io.sallyport.ike.task.Task;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The task manager of one ISAKMP SA: it alone allocates message IDs, keeps the exchanges in
 * flight by message ID, retransmits the last message of an exchange with doubling backoff until
 * the peer's next one arrives, answers a peer's retransmission with the message it already
 * sent (an exact copy check), and runs local tasks one at a time from its queue. Phase 1 is
 * message ID 0; every quick mode and informational exchange has its own random ID.
 */
final class V1TaskManager {

    /** Exchanges remembered per SA (in flight or finished, for retransmission answers). */
    private static final int MAX_EXCHANGES = 16;

    /** What the manager needs from its SA. */
    interface Owner {
        void send(byte[] packet, List<Action> out);

        void count(DropReason reason);

        void failed(V1Task task, Failure failure, long now, List<Action> out);

        int newMessageId();
    }

    /** An exchange: its task, the last message each way, and its retransmission state. */
    private static final class Exchange {
        final V1Task task;
        byte[] lastSent;
        byte[] lastReceived;
        int retries;
        long deadline = Long.MAX_VALUE;
        boolean complete;
        long lastActivity;

        Exchange(V1Task task) { this.task = task; }
    }

    /** A task that the manager runs; its message ID is fixed when it is created. */
    interface V1Task extends Task<V1Message, byte[]> {
        int messageId();
    }

    private final Owner owner;
    private final Retransmission retransmission;
    private final long lingerNanos;
    private final Map<Integer, Exchange> exchanges = new LinkedHashMap<>();
    private final Deque<IntFunction<V1Task>> queue = new ArrayDeque<>();
    private Exchange activeLocal;

    V1TaskManager(Owner owner, Retransmission retransmission, long lingerNanos) {
        this.owner = owner;
        this.retransmission = retransmission;
        this.lingerNanos = lingerNanos;
    }

    /** Queues a local task; the factory receives the message ID the manager chose. */
    void enqueue(IntFunction<V1Task> factory) { queue.add(factory); }

    /** Starts the phase-1 task (message ID 0) at once. */
    void startPhase1(long now, V1Task task, List<Action> out) {
        Exchange e = new Exchange(task);
        exchanges.put(0, e);
        activeLocal = e;
        apply(now, e, task.initiate(now, out), out);
    }

    /** Starts the next queued local task when none is in flight. */
    void startNext(long now, List<Action> out) {
        while ((activeLocal == null || activeLocal.complete) && !queue.isEmpty()) {
            V1Task task = queue.poll().apply(owner.newMessageId());
            Exchange e = new Exchange(task);
            e.lastActivity = now;
            remember(task.messageId(), e);
            activeLocal = e;
            apply(now, e, task.initiate(now, out), out);
        }
    }

    /** A responder's phase 1: the task that the peer's first message goes to. */
    void expect(V1Task task) { exchanges.put(0, new Exchange(task)); }

    /** Whether the exchange has accepted or sent anything. */
    boolean started(int messageId) {
        Exchange e = exchanges.get(messageId);
        return e != null && (e.lastReceived != null || e.lastSent != null || e.complete);
    }

    /** Whether a message ID is free for a new local exchange. */
    boolean isFree(int messageId) { return messageId != 0 && !exchanges.containsKey(messageId); }

    /**
     * A retransmission of the message we last received in that exchange: answered with the
     * message we sent in return. Returns whether it was one.
     */
    boolean answerRetransmission(int messageId, byte[] raw, List<Action> out) {
        Exchange e = exchanges.get(messageId);
        if (e == null || e.lastReceived == null || !Arrays.equals(e.lastReceived, raw)) {
            return false;
        }
        owner.count(DropReason.RETRANSMITTED_REQUEST);
        if (e.lastSent != null) {
            owner.send(e.lastSent, out);
        }
        return true;
    }

    /** Whether the exchange with this ID is in flight (a message for it goes to its task). */
    boolean inFlight(int messageId) {
        Exchange e = exchanges.get(messageId);
        return e != null && !e.complete;
    }

    /** Room for one more exchange the peer starts. */
    boolean hasRoom() {
        prune(Long.MAX_VALUE);
        return exchanges.size() < MAX_EXCHANGES;
    }

    /**
     * A decoded message of exchange {@code messageId}: handed to its task, or to {@code remote}
     * (a task the peer starts) when no exchange has the ID. Returns false when the message was
     * not accepted, so the caller can undo what decoding changed (the IV chain).
     */
    boolean deliver(long now, int messageId, byte[] raw, V1Message m, V1Task remote, List<Action> out) {
        Exchange e = exchanges.get(messageId);
        if (e != null && e.complete) {
            owner.count(DropReason.UNEXPECTED_EXCHANGE);
            return false;
        }
        if (e == null) {
            if (remote == null) {
                owner.count(DropReason.UNEXPECTED_EXCHANGE);
                return false;
            }
            e = new Exchange(remote);
            remember(messageId, e);
        }
        Step<byte[]> step = e.task.process(now, m, out);
        if (step instanceof Step.Drop<byte[]> d) {
            owner.count(d.reason());
            if (e.lastReceived == null && e.lastSent == null) {
                exchanges.remove(messageId);
            }
            return false;
        }
        e.lastReceived = raw;
        e.lastActivity = now;
        apply(now, e, step, out);
        return true;
    }

    private void apply(long now, Exchange e, Step<byte[]> step, List<Action> out) {
        switch (step) {
            case Step.Send<byte[]> s -> {
                e.lastSent = s.message();
                e.retries = 0;
                e.deadline = retransmission.deadline(now, 0);
                owner.send(s.message(), out);
            }
            case Step.SendLast<byte[]> s -> {
                e.lastSent = s.message();
                finish(now, e);
                owner.send(s.message(), out);
            }
            case Step.Done<byte[]> d -> {
                e.lastSent = null;
                finish(now, e);
            }
            case Step.Failed<byte[]> f -> {
                finish(now, e);
                e.lastSent = null;
                if (f.notice() != null) {
                    owner.send(f.notice(), out);
                }
                owner.failed(e.task, f.failure(), now, out);
            }
            case Step.Drop<byte[]> d -> owner.count(d.reason());
        }
    }

    private void finish(long now, Exchange e) {
        e.complete = true;
        e.deadline = Long.MAX_VALUE;
        e.lastActivity = now;
    }

    /**
     * The local exchange under way, if it is a {@code kind}, fails now (the peer refused it in an
     * informational message of its own). Returns whether one did.
     */
    boolean failActive(long now, Class<? extends V1Task> kind, Failure failure, List<Action> out) {
        Exchange e = activeLocal;
        if (e == null || e.complete || !kind.isInstance(e.task)) {
            return false;
        }
        finish(now, e);
        e.lastSent = null;
        owner.failed(e.task, failure, now, out);
        return true;
    }

    /** Retransmissions and give-ups. */
    void tick(long now, List<Action> out) {
        for (Exchange e : List.copyOf(exchanges.values())) {
            if (e.complete || now < e.deadline) {
                continue;
            }
            if (retransmission.exhausted(e.retries)) {
                finish(now, e);
                owner.failed(e.task, Failure.of(Failure.Kind.NO_RESPONSE, "to " + e.task.name()), now, out);
                continue;
            }
            e.retries++;
            e.deadline = retransmission.deadline(now, e.retries);
            owner.send(e.lastSent, out);
        }
        prune(now);
    }

    long nextDeadline() {
        return exchanges.values().stream().mapToLong(e -> e.deadline).min().orElse(Long.MAX_VALUE);
    }

    /** Finished exchanges are forgotten after the peer could have stopped retransmitting, or when room is needed. */
    private void prune(long now) {
        for (Iterator<Exchange> it = exchanges.values().iterator(); it.hasNext(); ) {
            Exchange e = it.next();
            if (e.complete && e != activeLocal && (now == Long.MAX_VALUE ? exchanges.size() >= MAX_EXCHANGES
                    : now - e.lastActivity >= lingerNanos)) {
                it.remove();
            }
        }
    }

    private void remember(int messageId, Exchange e) {
        exchanges.put(messageId, e);
    }

    /** Nothing more will run (the SA is closing). */
    void clear() {
        exchanges.clear();
        queue.clear();
        activeLocal = null;
    }

    boolean busy() { return (activeLocal != null && !activeLocal.complete) || !queue.isEmpty(); }
}
