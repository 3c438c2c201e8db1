package io.sallyport.ike;

import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Task;
import java.util.List;
import java.util.Optional;

/**
 * One IKEv2 exchange as an object with its own private state, on the version-neutral
 * {@link Task} contract. A task we start builds its request in {@link #initiate} (a
 * {@code Step.Send} of the payloads, or {@code Step.Done} when there is nothing left to do by its
 * turn) and handles the response in {@link #process}; a task answering the peer returns its
 * response payloads from {@link #process} as {@code Step.SendLast}. The {@link IkeTaskManager}
 * alone numbers, encrypts, sends, retransmits and caches the messages.
 */
interface IkeTask extends Task<IkeMessage, List<Payload>> {

    /** The exchange type of the task's messages ({@code Wire.IKE_SA_INIT}, ...). */
    int exchangeType();

    /** The request in words for the give-up reason, e.g. {@code CREATE_CHILD_SA (rekey child)}. */
    String describe();

    /** Whether the task may send its request while the SA is in {@code state}. */
    default boolean runsIn(IkeSession.State state) { return state == IkeSession.State.ESTABLISHED; }

    /** Retransmissions before the task gives up. */
    default int tries(IkeSession s) { return s.env.options().retransmitTries(); }

    /**
     * Why the SA ends when the request went unanswered through every retransmission (the task
     * manager ends it). {@code unprotectedError} is an error notify that came unprotected in the
     * meantime (RFC 7296 §2.21), believed now that no protected answer came.
     */
    default Failure unanswered(IkeSession s, Optional<NotifyError> unprotectedError) {
        return unprotectedError
                .map(e -> Failure.of(Failure.Kind.PEER_ERROR, "(" + describe() + " refused with " + e + ", unprotected; no protected answer came)"))
                .orElseGet(() -> Failure.of(Failure.Kind.NO_RESPONSE, "from " + s.remote.getAddress().getHostAddress() + " to " + describe()));
    }
}
