package io.sallyport.ike.v1;

import io.sallyport.ike.Action;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Step;
import java.util.Arrays;
import java.util.List;

/**
 * An informational exchange the peer sent (RFC 2409 §5.7): one message, protected by HASH(1) =
 * prf(SKEYID_a, M-ID | N/D). Deletes of the ISAKMP SA or of ESP SAs (by the SPI the peer
 * receives on, our outbound SPI), DPD R-U-THERE answered with R-U-THERE-ACK (RFC 3706 §5.3),
 * INITIAL-CONTACT, AUTHENTICATION-FAILED and, during phase 1, INVALID-ID-INFORMATION (the peer
 * refused our authentication or identity: the ISAKMP SA ends with that reason), INVALID-ID-INFORMATION
 * and NO-PROPOSAL-CHOSEN once phase 1 is up (the peer refused our quick mode: it fails, the ISAKMP
 * SA stays, RFC 2409 §5.5, as strongSwan does), INVALID-SPI (the peer lost an IPsec SA we send on: a new
 * quick mode replaces it and the old pair is deleted, as Junos does; strongSwan only logs it)
 * and other error notifies, which are traced.
 */
final class Informational implements V1TaskManager.V1Task {

    private final IsakmpSa sa;
    private final int messageId;

    Informational(IsakmpSa sa, int messageId) {
        this.sa = sa;
        this.messageId = messageId;
    }

    @Override
    public int messageId() { return messageId; }

    @Override
    public String name() { return "InformationalRemote"; }

    @Override
    public Step<byte[]> initiate(long now, List<Action> out) {
        throw new IllegalStateException("informational messages we send are one-way");
    }

    @Override
    public Step<byte[]> process(long now, V1Message m, List<Action> out) {
        if (m.header().exchange() != Isakmp.EXCH_INFORMATIONAL) {
            return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        }
        if (!sa.hashValid(m, Bytes.of32(messageId))) {
            return new Step.Drop<>(DropReason.INTEGRITY_FAILED);
        }
        for (V1Payload p : m.payloads()) {
            count(p, now);
            switch (p) {
                case V1Payload.Notify n -> notify(now, n, out);
                case V1Payload.Delete d -> delete(now, d, out);
                default -> { }
            }
        }
        return new Step.Done<>();
    }

    private void count(V1Payload p, long now) {
        switch (p) {
            case V1Payload.Delete d -> sa.counters.deleteReceived++;
            case V1Payload.Notify n when n.notifyType() == Isakmp.N_DPD_R_U_THERE -> sa.counters.dpdRequestReceived++;
            case V1Payload.Notify n when n.notifyType() == Isakmp.N_DPD_R_U_THERE_ACK -> sa.counters.dpdAnswered(now);
            case V1Payload.Notify n when n.notifyType() == Isakmp.N_INVALID_SPI -> sa.counters.invalidSpiReceived++;
            default -> { }
        }
    }

    private void notify(long now, V1Payload.Notify n, List<Action> out) {
        boolean phase2Refusal = n.notifyType() == Isakmp.N_INVALID_ID_INFORMATION || n.notifyType() == Isakmp.N_NO_PROPOSAL_CHOSEN;
        if (phase2Refusal && sa.state == IsakmpSa.State.ESTABLISHED) {
            // Phase 2 refused, not phase 1 (RFC 2409 §5.5): our quick mode fails, the ISAKMP SA stays.
            boolean id = n.notifyType() == Isakmp.N_INVALID_ID_INFORMATION;
            sa.quickModeRefused(now, Failure.of(id ? Failure.Kind.INVALID_ID : Failure.Kind.NO_PROPOSAL_CHOSEN,
                    "peer sent " + (id ? "INVALID-ID-INFORMATION" : "NO-PROPOSAL-CHOSEN")), out);
            return;
        }
        switch (n.notifyType()) {
            case Isakmp.N_DPD_R_U_THERE -> {
                if (Arrays.equals(n.spi(), sa.cookies())) {
                    sa.sendInformational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, sa.cookies(),
                            Isakmp.N_DPD_R_U_THERE_ACK, n.data())), out);
                }
            }
            case Isakmp.N_DPD_R_U_THERE_ACK -> sa.dpdUnanswered = 0;
            case Isakmp.N_INITIAL_CONTACT -> sa.engine.initialContact(sa, now, out);
            case Isakmp.N_INVALID_SPI -> invalidSpi(now, n, out);
            case Isakmp.N_AUTHENTICATION_FAILED, Isakmp.N_INVALID_ID_INFORMATION -> {
                // The peer refused our certificate, signature or identity (under keys both ends hold).
                String words = n.notifyType() == Isakmp.N_AUTHENTICATION_FAILED ? "AUTHENTICATION-FAILED" : "INVALID-ID-INFORMATION";
                sa.engine.trace(out, TraceFlag.IKE, TraceLevel.ERROR, sa.peer.name() + " refused us: " + words);
                sa.close(out, Failure.of(Failure.Kind.AUTHENTICATION_FAILED, "peer sent " + words));
            }
            default -> {
                if (n.notifyType() <= Isakmp.N_ERROR_MAX) {
                    sa.engine.trace(out, TraceFlag.IKE, TraceLevel.WARNING, sa.peer.name() + " reported error " + n.notifyType());
                }
            }
        }
    }

    /** Only under this SA's keys (HASH checked) and only for an SPI we send on: nothing else is touched. */
    private void invalidSpi(long now, V1Payload.Notify n, List<Action> out) {
        if (n.protocol() != Isakmp.PROTO_ESP || n.spi().length != 4) {
            return;
        }
        int spi = (int) Bytes.u32(n.spi(), 0);
        sa.engine.trace(out, TraceFlag.IKE, TraceLevel.WARNING, String.format("%s reported INVALID-SPI %08x", sa.peer.name(), spi));
        sa.children.stream().filter(c -> c.spiOut == spi && c.state == V1Child.State.INSTALLED).findFirst()
                .filter(c -> sa.state == IsakmpSa.State.ESTABLISHED)
                .ifPresent(c -> sa.replaceLostChild(now, c, out));
    }

    private void delete(long now, V1Payload.Delete d, List<Action> out) {
        if (d.protocol() == Isakmp.PROTO_ISAKMP && d.spiSize() == 16) {
            if (d.spis().stream().anyMatch(s -> Arrays.equals(s, sa.cookies()))) {
                sa.engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteIsakmpRemote: " + sa.peer.name() + " deleted ISAKMP SA " + sa.id());
                // Only the ISAKMP SA: IPsec SAs the peer deletes come with Deletes of their own (strongSwan
                // sends them first), those it keeps stay here too (RFC 2409; Junos).
                sa.expire(now, Failure.of(Failure.Kind.DELETED_BY_PEER), out);
            }
            return;
        }
        if (d.protocol() == Isakmp.PROTO_ESP && d.spiSize() == 4) {
            for (byte[] spi : d.spis()) {
                int out32 = (int) Bytes.u32(spi, 0);
                sa.children.stream().filter(c -> c.spiOut == out32).findFirst()
                        .ifPresent(c -> sa.removeChild(now, c, "deleted by the peer", out));
            }
        }
    }
}
