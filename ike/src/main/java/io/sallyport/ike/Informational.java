package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.crypto.Prf;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import io.sallyport.ike.IkeSession.Pending;
import io.sallyport.ike.IkeSession.State;
import io.sallyport.ike.IkeSession.Work;

/**
 * INFORMATIONAL requests from the peer: Delete of IKE or child SAs (ChildDelete/IkeDelete
 * remote side), INVALID_SPI, and empty liveness checks (Dpd); the local side is queued work.
 */
final class Informational {

    private Informational() {
    }

    static List<Payload> processInformationalRequest(IkeSession s, long now, IkeMessage m, List<Action> out) {
        List<Payload> resp = new ArrayList<>();
        for (Payload.Notify n : m.all(Payload.Notify.class)) {
            if (n.notifyType() == Wire.N_AUTHENTICATION_FAILED) {
                // RFC 7296 §2.21.2: the initiator did not accept our authentication and forgot the SA.
                s.env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "CreateIkeRemote: peer refused our authentication");
                s.closeAfterResponse = new IkeSession.Ending(DownCause.AUTHENTICATION_FAILED, "authentication failed (peer sent AUTHENTICATION_FAILED)");
                return List.of();
            }
            if (n.notifyType() == Wire.N_INVALID_SPI && n.data().length == 4) {
                // The s.peer does not know an SPI we send with: that child SA is dead on its side.
                int spi = (int) Bytes.u32(n.data(), 0);
                s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, String.format("peer reported INVALID_SPI %08x", spi));
                s.children.stream().filter(c -> c.spiOut == spi).findFirst().ifPresent(c -> s.queue.add(new Work.DeleteChild(c)));
            }
        }
        for (Payload.Delete d : m.all(Payload.Delete.class)) {
            if (d.protocolId() == Wire.PROTO_IKE) {
                s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteIkeRemote: peer deleted IKE SA " + s.id());
                s.closeAfterResponse = s.state == State.REKEYED ? new IkeSession.Ending(DownCause.REPLACED, "replaced by rekey")
                        : new IkeSession.Ending(DownCause.DELETED_BY_PEER, "deleted by peer");
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
                    s.removeChild(c, "deleted by peer", out);
                });
            }
            if (!ours.isEmpty()) {
                resp.add(new Payload.Delete(Wire.PROTO_ESP, 4, ours));
            }
        }
        return resp;
    }
}
