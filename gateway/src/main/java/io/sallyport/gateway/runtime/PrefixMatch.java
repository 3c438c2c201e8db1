package io.sallyport.gateway.runtime;

import io.sallyport.net.IpPrefix;

/**
 * Tests whether an address inside a packet lies in a prefix, reading the packet bytes in place
 * (no allocation on the data path).
 */
final class PrefixMatch {
    private final byte[] network;
    private final int length;
    private final boolean v4;
    private final IpPrefix prefix;

    PrefixMatch(IpPrefix prefix) {
        this.prefix = prefix;
        this.network = prefix.address().getAddress();
        this.length = prefix.length();
        this.v4 = prefix.isIpv4();
    }

    /** Whether the address of {@code v4 ? 4 : 16} bytes at {@code buf[off]} is in the prefix. */
    boolean matches(byte[] buf, int off, boolean packetIsV4) {
        if (packetIsV4 != v4) {
            return false;
        }
        int full = length >>> 3;
        for (int i = 0; i < full; i++) {
            if (buf[off + i] != network[i]) {
                return false;
            }
        }
        int rest = length & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF00 >>> rest) & 0xFF;
        return (buf[off + full] & mask) == (network[full] & mask);
    }

    IpPrefix prefix() {
        return prefix;
    }

    boolean isIpv4() {
        return v4;
    }

    int length() {
        return length;
    }

    /** The network of an IPv4 prefix as an int, most significant byte first. */
    int ipv4Network() {
        return (network[0] & 0xFF) << 24 | (network[1] & 0xFF) << 16 | (network[2] & 0xFF) << 8 | network[3] & 0xFF;
    }

    /** Offsets of the source and destination addresses in an IPv4 or IPv6 header. */
    static int sourceOffset(boolean v4) {
        return v4 ? 12 : 8;
    }

    static int destinationOffset(boolean v4) {
        return v4 ? 16 : 24;
    }
}
