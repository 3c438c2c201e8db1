package io.sallyport.ike.task;

import io.sallyport.ike.Action;
import java.util.List;

/**
 * One exchange as an object with its own private state (strongSwan's task model). The task
 * manager of the SA owns message IDs, retransmission with backoff and the queue of tasks; the
 * task only builds and checks the messages of its exchange.
 *
 * @param <I> the decoded incoming message type of the IKE version
 * @param <M> the outgoing (encoded) message type
 */
public interface Task<I, M> {

    /** The procedure's name in traces, e.g. {@code MainModeLocal} or {@code QuickModeRemote}. */
    String name();

    /** Builds the first message for a task we start; responder tasks start from {@link #process}. */
    Step<M> initiate(long now, List<Action> out);

    /** A message of this exchange from the peer; effects (installs, traces) go to {@code out}. */
    Step<M> process(long now, I message, List<Action> out);
}
