package io.sallyport.ike;

import java.util.Optional;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Step;
import java.util.ArrayList;
import java.util.List;

import io.sallyport.ike.IkeSession.State;

/**
 * INFORMATIONAL exchanges: the tasks we start ({@link DeleteChild}, {@link DeleteIke},
 * {@link Dpd}, {@link InvalidSpi}) and the {@link Responder} to the peer's (Delete of IKE or child
 * SAs, INVALID_SPI, AUTHENTICATION_FAILED, empty liveness checks).
 */
final class Informational {

    private Informational() {
    }

    /** Base of the INFORMATIONAL tasks we start. */
    private abstract static class Request implements IkeTask {
        final IkeSession s;

        Request(IkeSession s) { this.s = s; }

        @Override
        public int exchangeType() { return Wire.INFORMATIONAL; }
    }

    /** ChildDeleteLocal: a Delete of one child SA; it goes from the data plane when the peer confirms. */
    static final class DeleteChild extends Request {
        private final ChildSa child;

        DeleteChild(IkeSession s, ChildSa child) {
            super(s);
            this.child = child;
        }

        boolean deletes(ChildSa c) { return child == c; }

        @Override
        public String name() { return "DeleteChildLocal"; }

        @Override
        public String describe() { return "INFORMATIONAL (delete child)"; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            // Gone meanwhile (the peer deleted it): nothing to say. An expired child is gone locally, still to be told.
            if (!s.children.contains(child) && child.state != ChildSa.State.EXPIRED) {
                return new Step.Done<>();
            }
            child.state = ChildSa.State.DELETING;
            return new Step.Send<>(List.of(new Payload.Delete(Wire.PROTO_ESP, 4, List.of(Bytes.of32(child.spiIn)))));
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            s.retireChild(child, "deleted locally", now, out);
            return new Step.Done<>();
        }
    }

    /**
     * A Delete of the child SA the peer made for our CREATE_CHILD_SA whose answer we refused (no
     * nonce, an unusable KE, what we did not offer): it never reached our data plane, and left at
     * the peer it would stay there for its lifetime, one more at each later try (RFC 7296 §1.4.1:
     * our inbound SPI names it; a peer that made none ignores it).
     */
    static final class DeleteRefusedChild extends Request {
        private final int spiIn;

        DeleteRefusedChild(IkeSession s, int spiIn) {
            super(s);
            this.spiIn = spiIn;
        }

        @Override
        public String name() { return "DeleteChildLocal"; }

        @Override
        public String describe() { return "INFORMATIONAL (delete refused child)"; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "DeleteChildLocal: asking the peer to delete the child SA "
                    + Integer.toHexString(spiIn) + " whose answer we refused");
            return new Step.Send<>(List.of(new Payload.Delete(Wire.PROTO_ESP, 4, List.of(Bytes.of32(spiIn)))));
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            return new Step.Done<>();
        }
    }

    /** DeleteIkeLocal: a Delete of the IKE SA (and so of its children); the SA ends when answered or unanswered. */
    static final class DeleteIke extends Request {
        private final Failure why;

        DeleteIke(IkeSession s, Failure why) {
            super(s);
            this.why = why;
        }

        @Override
        public String name() { return "DeleteIkeLocal"; }

        @Override
        public String describe() { return "INFORMATIONAL (delete IKE)"; }

        /** A rekeyed SA is still deleted (the successor has its children). */
        @Override
        public boolean runsIn(State state) { return state == State.ESTABLISHED || state == State.REKEYED; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteIkeLocal: deleting IKE SA " + s.id() + " (" + why.words() + ")");
            return new Step.Send<>(List.of(new Payload.Delete(Wire.PROTO_IKE, 0, List.of())));
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            return new Step.Failed<>(why, null);
        }

        @Override
        public Failure unanswered(IkeSession sa, Optional<NotifyError> unprotectedError) {
            return why.remark("peer did not confirm");
        }
    }

    /** Dpd: an empty INFORMATIONAL as liveness check; the threshold of the peer's {@code dead-peer-detection} bounds the tries. */
    static final class Dpd extends Request {
        Dpd(IkeSession s) { super(s); }

        @Override
        public String name() { return "Dpd"; }

        @Override
        public String describe() { return "INFORMATIONAL (liveness)"; }

        @Override
        public int tries(IkeSession sa) { return sa.peer.dpd().threshold(); }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            s.env.trace(out, TraceFlag.TIMER, TraceLevel.VERBOSE, "Dpd: liveness check of " + s.peer.name());
            return new Step.Send<>(List.of());
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) { return new Step.Done<>(); }

        @Override
        public Failure unanswered(IkeSession sa, Optional<NotifyError> unprotectedError) {
            return Failure.of(Failure.Kind.DEAD_PEER);
        }
    }

    /** Tells the peer that ESP came to us with an SPI we do not know (RFC 7296 §1.5). */
    static final class InvalidSpi extends Request {
        private final int spi;

        InvalidSpi(IkeSession s, int spi) {
            super(s);
            this.spi = spi;
        }

        @Override
        public String name() { return "InvalidSpi"; }

        @Override
        public String describe() { return "INFORMATIONAL (INVALID_SPI)"; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, String.format("telling %s about unknown SPI %08x", s.peer.name(), spi));
            return new Step.Send<>(List.of(new Payload.Notify(Wire.PROTO_ESP, new byte[0], NotifyError.Standard.INVALID_SPI.code(), Bytes.of32(spi))));
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) { return new Step.Done<>(); }
    }

    /** The peer's INFORMATIONAL request (ChildDeleteRemote, DeleteIkeRemote, liveness, notifies). */
    static final class Responder extends IkeResponder {
        Responder(IkeSession s) { super(s, "InformationalRemote", Wire.INFORMATIONAL); }

        @Override
        List<Payload> respond(long now, IkeMessage m, List<Action> out) {
            List<Payload> resp = new ArrayList<>();
            for (Payload.Notify n : m.all(Payload.Notify.class)) {
                NotifyError error = n.error().orElse(null);
                if (error == NotifyError.Standard.AUTHENTICATION_FAILED) {
                    // RFC 7296 §2.21.2: the initiator did not accept our authentication and forgot the SA.
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "CreateIkeRemote: peer refused our authentication");
                    endAfterResponse(Failure.of(Failure.Kind.AUTHENTICATION_FAILED, "(peer sent " + error + ")"));
                    return List.of();
                }
                if (error == NotifyError.Standard.INVALID_SPI && n.data().length == 4) {
                    // The peer does not know an SPI we send with: that child SA is dead on its side.
                    int spi = (int) Bytes.u32(n.data(), 0);
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, String.format("peer reported INVALID_SPI %08x", spi));
                    s.children.stream().filter(c -> c.spiOut == spi).findFirst().ifPresent(c -> s.tasks.queue(new DeleteChild(s, c)));
                }
            }
            for (Payload.Delete d : m.all(Payload.Delete.class)) {
                if (d.protocolId() == Wire.PROTO_IKE) {
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteIkeRemote: peer deleted IKE SA " + s.id());
                    endAfterResponse(s.state == State.REKEYED ? Failure.of(Failure.Kind.REPLACED, "rekeyed")
                            : Failure.of(Failure.Kind.DELETED_BY_PEER));
                    return List.of();
                }
                if (d.protocolId() != Wire.PROTO_ESP) {
                    continue;
                }
                List<byte[]> ours = new ArrayList<>();
                for (byte[] spi : d.spis()) {
                    if (spi.length != 4) {
                        continue;
                    }
                    int spiValue = (int) Bytes.u32(spi, 0);
                    s.children.stream().filter(c -> c.spiOut == spiValue).findFirst().ifPresent(c -> {
                        ours.add(Bytes.of32(c.spiIn));
                        s.retireChild(c, "deleted by peer", now, out);
                    });
                }
                if (!ours.isEmpty()) {
                    resp.add(new Payload.Delete(Wire.PROTO_ESP, 4, ours));
                }
            }
            return resp;
        }
    }
}
