package io.sallyport.ike;

import io.sallyport.ike.message.Bytes;
import java.net.InetSocketAddress;
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
}
