package io.sallyport.ike.v1;

import io.sallyport.crypto.Ikev1KeyDerivation;
import io.sallyport.ike.Action;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/** NAT discovery in phase 1 (RFC 3947 §3.2): NAT-D = HASH(CKY-I | CKY-R | IP | port) with the phase-1 hash. */
final class NatDiscovery {

    private NatDiscovery() {
    }

    /** NAT-D payloads: the peer's address as we send to it, then ours (RFC 3947 §3.2). */
    static List<V1Payload> payloads(IsakmpSa sa) {
        if (sa.natT == VendorIds.NatT.NONE) {
            return List.of();
        }
        int type = sa.natT == VendorIds.NatT.RFC ? Isakmp.P_NAT_D : Isakmp.P_NAT_D_DRAFT;
        return List.of(new V1Payload.NatD(type, natHash(sa, sa.remote)), new V1Payload.NatD(type, natHash(sa, sa.local)));
    }

    private static byte[] natHash(IsakmpSa sa, InetSocketAddress a) {
        return Ikev1KeyDerivation.hash(sa.proposal.prf(), Bytes.of64(sa.ckyI), Bytes.of64(sa.ckyR), a.getAddress().getAddress(),
                new byte[] {(byte) (a.getPort() >> 8), (byte) a.getPort()});
    }

    /** The first NAT-D is what the peer saw as our address; the others are the peer's own. */
    static void detect(IsakmpSa sa, V1Message m, String task, List<Action> out) {
        List<V1Payload.NatD> d = m.all(V1Payload.NatD.class);
        if (sa.natT == VendorIds.NatT.NONE || d.size() < 2) {
            return;
        }
        sa.natLocal = !Arrays.equals(d.getFirst().hash(), natHash(sa, sa.local));
        byte[] remote = natHash(sa, sa.remote);
        sa.natRemote = d.subList(1, d.size()).stream().noneMatch(x -> Arrays.equals(x.hash(), remote));
        if (sa.natLocal || sa.natRemote) {
            sa.engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, task + ": " + (sa.natLocal ? "local host is behind NAT" : "")
                    + (sa.natLocal && sa.natRemote ? ", " : "") + (sa.natRemote ? "remote host is behind NAT (or faking it)" : ""));
            if (sa.initiator && !sa.onNatPort) {
                // RFC 3947 §4: the initiator moves to port 4500 after NAT-D (main mode message 5, aggressive mode message 3); the responder follows.
                sa.local = new InetSocketAddress(sa.local.getAddress(), 4500);
                sa.remote = new InetSocketAddress(sa.remote.getAddress(), 4500);
                sa.onNatPort = true;
            }
        }
    }
}
