package io.sallyport.ike;

import java.net.InetSocketAddress;

/**
 * One UDP datagram to or from kmd. {@code payload} is the IKE message without the 4-byte non-ESP
 * marker; {@code nonEspMarker} says it travels on port 4500 where the adapter adds (sending) or
 * has stripped (receiving) that marker (RFC 3948 §2.2). A NAT keepalive is the single byte 0xFF.
 */
public record Datagram(InetSocketAddress local, InetSocketAddress remote, byte[] payload, boolean nonEspMarker) {

    public static boolean isKeepalive(byte[] payload) {
        return payload.length == 1 && payload[0] == (byte) 0xff;
    }
}
