package io.sallyport.ike;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.List;

/** What kmd asks its adapter to do. The adapter's exhaustive switch catches a forgotten kind. */
public sealed interface Action {

    /** Send a datagram (with the non-ESP marker when {@code datagram.nonEspMarker()}). */
    record Send(Datagram datagram) implements Action {
    }

    /**
     * Install an ESP child SA pair in the data plane. {@code integrity} is null for AEAD ciphers;
     * encryption keys include the GCM salt. Tunnel endpoints carry the ports ESP-in-UDP uses
     * when {@code udpEncapsulation} is set (RFC 3948).
     *
     * <p>The inbound SA takes packets at once. With {@code outboundNow} the term's outbound
     * traffic moves to this SA too; without it (the responder of a rekey) the outbound SA waits,
     * and traffic stays on the SA it replaces, until {@link SwitchOutbound} names it: the peer
     * may not have installed its inbound SA yet when our response reaches it.
     *
     * <p>{@code followPeerOnEsp}: the peer is behind a NAT and we are not (RFC 7296 §2.23; for
     * IKEv1 RFC 3947 §4), so authenticated ESP from another address or port of the peer may move
     * the SA there ({@link Command.FollowPeer}).
     */
    record InstallChildSa(String peer, IkeSaId ikeSa, int spiIn, int spiOut,
                          EncryptionAlgorithm encryption, IntegrityAlgorithm integrity,
                          byte[] encryptionKeyIn, byte[] integrityKeyIn, byte[] encryptionKeyOut, byte[] integrityKeyOut,
                          List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors,
                          InetSocketAddress local, InetSocketAddress remote, boolean udpEncapsulation,
                          Lifetime lifetime, boolean rekeyOf, int replacesSpiIn, boolean outboundNow,
                          boolean followPeerOnEsp) implements Action {
    }

    /**
     * The term's outbound traffic moves to the child SA installed earlier without
     * {@code outboundNow}: the peer deleted the SA it replaces (so it has the new one in both
     * directions), or that SA ended.
     */
    record SwitchOutbound(String peer, int spiIn, int spiOut) implements Action {
    }

    /**
     * The peer is at {@code remote} now: an authenticated IKE message came from a new address or
     * port (a NAT mapping that changed, RFC 7296 §2.23), or the data plane authenticated the
     * child's ESP from there ({@link Command.FollowPeer}), so the child's outbound ESP goes there
     * (for ESP in UDP, to its port) from now on.
     */
    record ChildSaMoved(String peer, int spiIn, int spiOut, InetSocketAddress remote) implements Action {
    }

    /**
     * Remove a child SA pair from the data plane. A pair a rekey replaced comes here a little
     * after its delete exchange ({@link KmdOptions#rekeyedInboundLingerNanos}): until then its
     * inbound SA still takes the packets the peer sent on it before it switched.
     */
    record DeleteChildSa(String peer, int spiIn, int spiOut, String reason) implements Action {
    }

    /**
     * An IKE SA carries the term {@code peer} (once per term, so one SA shared by terms is told
     * several times).
     *
     * @param startedNanos when kmd began negotiating this SA (its first exchange, or the rekey
     *                     that made it), on kmd's clock: the adapter's handshake times
     */
    record IkeSaUp(String peer, IkeSaId ikeSa, boolean initiator, InetSocketAddress local, InetSocketAddress remote,
                   EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, PrfAlgorithm prf, DhGroup group,
                   boolean natDetected, Lifetime lifetime, long startedNanos) implements Action {
    }

    /** The IKE SA is gone: {@code cause} for decisions, {@code reason} in words, e.g. "authentication failed". */
    record IkeSaDown(String peer, IkeSaId ikeSa, DownCause cause, String reason) implements Action {
    }

    /**
     * kmd enforces a kilobyte lifetime on the child SA pair {@code spiIn} (an IKEv1 peer proposed
     * one): the data plane answers with {@link Command.ChildTraffic}, the bytes the pair carried
     * since its install. Asked at install and then every
     * {@code V1Engine.TRAFFIC_QUERY_NANOS} while the pair lives.
     */
    record TrafficQuery(String peer, int spiIn) implements Action {
    }

    /**
     * A child SA was refused under the IKE SA {@code ikeSa}, which stays: by kmd ({@link
     * RefusedBy#US}: the peer's proxy IDs or selectors fit no term, its proposals none of ours; a
     * later request that fits may come), or by the peer ({@link RefusedBy#PEER}: it answered our
     * quick mode with INVALID-ID-INFORMATION or NO-PROPOSAL-CHOSEN, or with what we did not offer;
     * kmd tries again as after any failed quick mode). {@code reason} in words, for show.
     */
    record ChildRefused(String peer, IkeSaId ikeSa, RefusedBy refusedBy, String reason) implements Action {
    }

    /** Which end refused a child SA ({@link ChildRefused}). */
    enum RefusedBy { US, PEER }

    record Trace(TraceFlag flag, TraceLevel level, String text) implements Action {
    }
}
