package io.sallyport.ike.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A traffic selector (RFC 7296 §3.13.1): an address range, a port range and an IP protocol
 * (0 = any). Addresses are 4 or 16 bytes; {@code type} is TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE.
 */
public record TrafficSelector(int type, int ipProtocol, int startPort, int endPort, byte[] startAddress, byte[] endAddress) {

    /** A whole prefix, any protocol and port, for example 198.18.1.0/24. */
    public static TrafficSelector ofPrefix(String address, int prefixLength) {
        try {
            byte[] a = InetAddress.getByName(address).getAddress();
            byte[] start = a.clone();
            byte[] end = a.clone();
            for (int bit = prefixLength; bit < a.length * 8; bit++) {
                start[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
                end[bit / 8] |= (byte) (0x80 >> (bit % 8));
            }
            return new TrafficSelector(a.length == 4 ? Wire.TS_IPV4_ADDR_RANGE : Wire.TS_IPV6_ADDR_RANGE,
                    0, 0, 65535, start, end);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }

    /** Whether {@code other} lies entirely inside this selector. */
    public boolean contains(TrafficSelector other) {
        return type == other.type
                && (ipProtocol == 0 || ipProtocol == other.ipProtocol)
                && startPort <= other.startPort && other.endPort <= endPort
                && Arrays.compareUnsigned(startAddress, other.startAddress) <= 0
                && Arrays.compareUnsigned(other.endAddress, endAddress) <= 0;
    }

    /** The intersection with {@code other}, or null when they do not overlap (RFC 7296 §2.9 narrowing). */
    public TrafficSelector intersect(TrafficSelector other) {
        if (type != other.type) {
            return null;
        }
        int proto;
        if (ipProtocol == 0) {
            proto = other.ipProtocol;
        } else if (other.ipProtocol == 0 || other.ipProtocol == ipProtocol) {
            proto = ipProtocol;
        } else {
            return null;
        }
        int sp = Math.max(startPort, other.startPort);
        int ep = Math.min(endPort, other.endPort);
        byte[] sa = Arrays.compareUnsigned(startAddress, other.startAddress) >= 0 ? startAddress : other.startAddress;
        byte[] ea = Arrays.compareUnsigned(endAddress, other.endAddress) <= 0 ? endAddress : other.endAddress;
        if (sp > ep || Arrays.compareUnsigned(sa, ea) > 0) {
            return null;
        }
        return new TrafficSelector(type, proto, sp, ep, sa.clone(), ea.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficSelector t && t.type == type && t.ipProtocol == ipProtocol
                && t.startPort == startPort && t.endPort == endPort
                && Arrays.equals(t.startAddress, startAddress) && Arrays.equals(t.endAddress, endAddress);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(startAddress) * 31 + Arrays.hashCode(endAddress) + startPort * 7 + endPort + ipProtocol;
    }

    @Override
    public String toString() {
        try {
            String range = InetAddress.getByAddress(startAddress).getHostAddress() + "-"
                    + InetAddress.getByAddress(endAddress).getHostAddress();
            String ports = startPort == 0 && endPort == 65535 ? "" : "[" + startPort + "-" + endPort + "]";
            return range + ports + (ipProtocol == 0 ? "" : " proto " + ipProtocol);
        } catch (UnknownHostException e) {
            return "invalid selector";
        }
    }
}
