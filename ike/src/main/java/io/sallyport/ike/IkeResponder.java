package io.sallyport.ike;

import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Step;
import java.util.List;

/**
 * A task that answers one request of the peer: it starts from the peer's request, never from
 * {@link #initiate}, and its single step is the response ({@code Step.SendLast}), which the
 * {@link IkeTaskManager} encrypts, sends and caches for the peer's retransmissions.
 */
abstract class IkeResponder implements IkeTask {

    final IkeSession s;
    private final String name;
    private final int exchangeType;
    /** Why the SA ends once the response is sent, when the request ends it; else null. */
    private Failure ending;

    IkeResponder(IkeSession s, String name, int exchangeType) {
        this.s = s;
        this.name = name;
        this.exchangeType = exchangeType;
    }

    /** The response payloads; null when the request is not one this SA answers now (counted, dropped). */
    abstract List<Payload> respond(long now, IkeMessage request, List<Action> out);

    /** The request ends the SA (the peer deleted it, or refused or failed authentication): after the response. */
    final void endAfterResponse(Failure why) { ending = why; }

    /** {@code SendLast} of the response, or {@code Failed} with the response as its notice when the SA ends after it. */
    @Override
    public final Step<List<Payload>> process(long now, IkeMessage request, List<Action> out) {
        List<Payload> resp = respond(now, request, out);
        if (resp == null) {
            return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        }
        return ending == null ? new Step.SendLast<>(resp) : new Step.Failed<>(ending, resp);
    }

    /** A responder has nothing to start. */
    @Override
    public final Step<List<Payload>> initiate(long now, List<Action> out) { return new Step.Done<>(); }

    @Override
    public final String name() { return name; }

    @Override
    public final int exchangeType() { return exchangeType; }

    @Override
    public final String describe() { return io.sallyport.ike.message.Wire.exchangeName(exchangeType) + " (" + name + ")"; }
}
