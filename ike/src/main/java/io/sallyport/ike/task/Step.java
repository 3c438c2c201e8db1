package io.sallyport.ike.task;

import io.sallyport.ike.DropReason;

/**
 * What a task wants after it saw a message of its exchange. The task manager acts on it: it
 * sends, arms retransmission, keeps the last message to answer a peer's retransmission, and
 * finishes or fails the exchange. Tasks never send or touch message IDs themselves.
 *
 * @param <M> the version's outgoing message (already encoded by the task, e.g. IKEv1 bytes)
 */
public sealed interface Step<M> {

    /** Send {@code message} and wait for the peer's next message of this exchange (retransmitting). */
    record Send<M>(M message) implements Step<M> {
    }

    /** Send {@code message}, the last of this exchange; the exchange is complete. */
    record SendLast<M>(M message) implements Step<M> {
    }

    /** The exchange is complete with nothing more to send. */
    record Done<M>() implements Step<M> {
    }

    /**
     * The exchange failed, or ended what it ran for: {@code failure} says why as a type, and the
     * task manager acts on it (an IKEv2 task's failure ends its IKE SA, a Delete of the IKE SA
     * included; an IKEv1 phase-1 failure ends the ISAKMP SA, a phase-2 one the exchange).
     * {@code notice} (nullable) goes to the peer first: an IKEv1 notify, or an IKEv2 responder's
     * response or an initiator's one-way INFORMATIONAL.
     */
    record Failed<M>(Failure failure, M notice) implements Step<M> {
    }

    /** The message is not acceptable (counted by {@code reason}); keep waiting. */
    record Drop<M>(DropReason reason) implements Step<M> {
    }
}
