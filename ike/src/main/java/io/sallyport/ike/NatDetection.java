package io.sallyport.ike;

import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** NAT_DETECTION_*_IP hashes: SHA-1(SPIi | SPIr | IP | port) (RFC 7296 §2.23). */
final class NatDetection {

    private NatDetection() {
    }

    static byte[] hash(long spiI, long spiR, InetSocketAddress endpoint) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(Bytes.of64(spiI));
            sha1.update(Bytes.of64(spiR));
            sha1.update(endpoint.getAddress().getAddress());
            sha1.update(new byte[] {(byte) (endpoint.getPort() >> 8), (byte) endpoint.getPort()});
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** NAT detection (RFC 7296 §2.23) from the peer's NAT_DETECTION_* notifies in {@code m}. */
    static void detectNat(IkeSession s, IkeMessage m, List<Action> out) {
        if (!s.peer.natTraversal()) {
            return;
        }
        long hi = m.header().spiI();
        long hr = m.header().spiR();
        var sources = m.all(Payload.Notify.class).stream().filter(n -> n.notifyType() == Wire.N_NAT_DETECTION_SOURCE_IP).toList();
        var dest = m.notify(Wire.N_NAT_DETECTION_DESTINATION_IP);
        if (sources.isEmpty() || dest.isEmpty()) {
            return;
        }
        byte[] remoteHash = NatDetection.hash(hi, hr, s.remote);
        s.natRemote = sources.stream().noneMatch(n -> Arrays.equals(n.data(), remoteHash));
        s.natLocal = !Arrays.equals(dest.get().data(), NatDetection.hash(hi, hr, s.local));
        if (s.natRemote || s.natLocal) {
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "NatDetection: " + (s.natLocal ? "local host is behind NAT" : "")
                    + (s.natLocal && s.natRemote ? ", " : "") + (s.natRemote ? "remote host is behind NAT (or faking it)" : ""));
            if (s.initiator && !s.onNatPort) {
                // The s.initiator moves to 4500 for everything after IKE_SA_INIT (RFC 7296 §2.23);
                // the responder follows the address and port the s.peer's next message comes from.
                s.local = new InetSocketAddress(s.local.getAddress(), 4500);
                s.moveTo(new InetSocketAddress(s.remote.getAddress(), 4500));
                s.onNatPort = true;
            }
        }
    }
}
