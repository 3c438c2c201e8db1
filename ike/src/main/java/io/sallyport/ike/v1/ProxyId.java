package io.sallyport.ike.v1;

import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.util.Arrays;

/**
 * Phase-2 identities (proxy IDs, RFC 2407 §4.6.2.1) to and from the engine's traffic selectors:
 * a prefix travels as an ADDR_SUBNET, a single address as ADDR, anything else as ADDR_RANGE.
 */
final class ProxyId {

    private ProxyId() {
    }

    static V1Payload.Id of(TrafficSelector ts) {
        boolean v4 = ts.type() == Wire.TS_IPV4_ADDR_RANGE;
        int port = ts.startPort() == ts.endPort() ? ts.startPort() : 0;
        byte[] s = ts.startAddress();
        byte[] e = ts.endAddress();
        if (Arrays.equals(s, e)) {
            return new V1Payload.Id(v4 ? Isakmp.ID_IPV4_ADDR : Isakmp.ID_IPV6_ADDR, ts.ipProtocol(), port, s.clone());
        }
        byte[] mask = new byte[s.length];
        for (int i = 0; i < s.length; i++) {
            mask[i] = (byte) ~(s[i] ^ e[i]);
        }
        if (isPrefixMask(mask) && isNetwork(s, mask) && isBroadcast(e, mask)) {
            return new V1Payload.Id(v4 ? Isakmp.ID_IPV4_ADDR_SUBNET : Isakmp.ID_IPV6_ADDR_SUBNET, ts.ipProtocol(), port,
                    concat(s, mask));
        }
        return new V1Payload.Id(v4 ? Isakmp.ID_IPV4_ADDR_RANGE : Isakmp.ID_IPV6_ADDR_RANGE, ts.ipProtocol(), port, concat(s, e));
    }

    /** The selector an ID payload names, or null when it is not an address-type ID or is malformed. */
    static TrafficSelector toSelector(V1Payload.Id id) {
        byte[] d = id.data();
        int startPort = id.port() == 0 ? 0 : id.port();
        int endPort = id.port() == 0 ? 65535 : id.port();
        return switch (id.idType()) {
            case Isakmp.ID_IPV4_ADDR -> d.length != 4 ? null : ts(Wire.TS_IPV4_ADDR_RANGE, id, startPort, endPort, d, d);
            case Isakmp.ID_IPV6_ADDR -> d.length != 16 ? null : ts(Wire.TS_IPV6_ADDR_RANGE, id, startPort, endPort, d, d);
            case Isakmp.ID_IPV4_ADDR_SUBNET, Isakmp.ID_IPV6_ADDR_SUBNET -> subnet(id, startPort, endPort);
            case Isakmp.ID_IPV4_ADDR_RANGE -> d.length != 8 ? null : ts(Wire.TS_IPV4_ADDR_RANGE, id, startPort, endPort,
                    Arrays.copyOf(d, 4), Arrays.copyOfRange(d, 4, 8));
            case Isakmp.ID_IPV6_ADDR_RANGE -> d.length != 32 ? null : ts(Wire.TS_IPV6_ADDR_RANGE, id, startPort, endPort,
                    Arrays.copyOf(d, 16), Arrays.copyOfRange(d, 16, 32));
            default -> null;
        };
    }

    private static TrafficSelector subnet(V1Payload.Id id, int startPort, int endPort) {
        int n = id.idType() == Isakmp.ID_IPV4_ADDR_SUBNET ? 4 : 16;
        byte[] d = id.data();
        if (d.length != 2 * n) {
            return null;
        }
        byte[] mask = Arrays.copyOfRange(d, n, 2 * n);
        if (!isPrefixMask(mask)) {
            return null;
        }
        byte[] s = new byte[n];
        byte[] e = new byte[n];
        for (int i = 0; i < n; i++) {
            s[i] = (byte) (d[i] & mask[i]);
            e[i] = (byte) (d[i] | ~mask[i]);
        }
        return ts(n == 4 ? Wire.TS_IPV4_ADDR_RANGE : Wire.TS_IPV6_ADDR_RANGE, id, startPort, endPort, s, e);
    }

    private static TrafficSelector ts(int type, V1Payload.Id id, int sp, int ep, byte[] s, byte[] e) {
        if (Arrays.compareUnsigned(s, e) > 0) {
            return null;
        }
        return new TrafficSelector(type, id.protocol(), sp, ep, s.clone(), e.clone());
    }

    private static boolean isPrefixMask(byte[] mask) {
        boolean zero = false;
        for (byte b : mask) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (b >> bit & 1) == 1;
                if (one && zero) {
                    return false;
                }
                zero |= !one;
            }
        }
        return true;
    }

    private static boolean isNetwork(byte[] a, byte[] mask) {
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & ~mask[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBroadcast(byte[] a, byte[] mask) {
        for (int i = 0; i < a.length; i++) {
            if (((a[i] | mask[i]) & 0xff) != 0xff) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
