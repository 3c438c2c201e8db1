package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * Phase-2 identities (RFC 2407 §4.6.2.1 ID types, §4.6.2 protocol and port fields) to and from
 * traffic selectors: the encoding picks ADDR, ADDR_SUBNET or ADDR_RANGE, and a malformed ID from a
 * peer yields no selector rather than a wrong one.
 */
class ProxyIdTest {

    private static byte[] ip(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] cat(String a, String b) {
        byte[] x = ip(a);
        byte[] y = ip(b);
        byte[] out = new byte[x.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static TrafficSelector v4(int proto, int sp, int ep, String s, String e) {
        return new TrafficSelector(Wire.TS_IPV4_ADDR_RANGE, proto, sp, ep, ip(s), ip(e));
    }

    @Test
    void aV4PrefixTravelsAsSubnetWithItsMask() {
        var id = ProxyId.of(TrafficSelector.ofPrefix("198.51.100.0", 24));
        assertEquals(Isakmp.ID_IPV4_ADDR_SUBNET, id.idType());
        assertEquals(0, id.protocol());
        assertEquals(0, id.port());
        assertArrayEquals(cat("198.51.100.0", "255.255.255.0"), id.data());
    }

    @Test
    void aV6PrefixTravelsAsV6Subnet() {
        var id = ProxyId.of(TrafficSelector.ofPrefix("2001:db8::", 64));
        assertEquals(Isakmp.ID_IPV6_ADDR_SUBNET, id.idType());
        assertArrayEquals(cat("2001:db8::", "ffff:ffff:ffff:ffff::"), id.data());
    }

    @Test
    void aSingleHostTravelsAsAddrWithItsProtocolAndPort() {
        var id = ProxyId.of(v4(17, 500, 500, "192.0.2.7", "192.0.2.7"));
        assertEquals(Isakmp.ID_IPV4_ADDR, id.idType());
        assertEquals(17, id.protocol());
        assertEquals(500, id.port());
        assertArrayEquals(ip("192.0.2.7"), id.data());

        var v6 = ProxyId.of(TrafficSelector.ofPrefix("2001:db8::1", 128));
        assertEquals(Isakmp.ID_IPV6_ADDR, v6.idType());
    }

    @Test
    void aPortRangeCannotBeSaidInOneIdSoAnyPortIsSent() {
        // RFC 2407 §4.6.2: the port field is one port or zero (any).
        var id = ProxyId.of(v4(6, 1000, 2000, "192.0.2.7", "192.0.2.7"));
        assertEquals(0, id.port());
    }

    @Test
    void aNonPrefixSpanTravelsAsRange() {
        // .1-.254 is not network..broadcast of any prefix; .0-.127 with a hole-free mask is, .0-.130 is not.
        var notAligned = ProxyId.of(v4(0, 0, 65535, "192.0.2.1", "192.0.2.254"));
        assertEquals(Isakmp.ID_IPV4_ADDR_RANGE, notAligned.idType());
        assertArrayEquals(cat("192.0.2.1", "192.0.2.254"), notAligned.data());

        var notPrefix = ProxyId.of(v4(0, 0, 65535, "192.0.2.0", "192.0.2.130"));
        assertEquals(Isakmp.ID_IPV4_ADDR_RANGE, notPrefix.idType());

        var notBroadcast = ProxyId.of(v4(0, 0, 65535, "192.0.2.0", "192.0.2.126"));
        assertEquals(Isakmp.ID_IPV4_ADDR_RANGE, notBroadcast.idType());

        var v6 = ProxyId.of(new TrafficSelector(Wire.TS_IPV6_ADDR_RANGE, 0, 0, 65535, ip("2001:db8::1"), ip("2001:db8::9")));
        assertEquals(Isakmp.ID_IPV6_ADDR_RANGE, v6.idType());
    }

    @Test
    void everyAddressTypeRoundTripsToTheSameSelector() {
        for (var ts : new TrafficSelector[] {
                TrafficSelector.ofPrefix("198.51.100.0", 24),
                TrafficSelector.ofPrefix("2001:db8:1::", 48),
                v4(0, 0, 65535, "192.0.2.7", "192.0.2.7"),
                new TrafficSelector(Wire.TS_IPV6_ADDR_RANGE, 0, 0, 65535, ip("2001:db8::1"), ip("2001:db8::1")),
                v4(0, 0, 65535, "192.0.2.1", "192.0.2.254"),
                new TrafficSelector(Wire.TS_IPV6_ADDR_RANGE, 0, 0, 65535, ip("2001:db8::1"), ip("2001:db8::9")),
                v4(17, 4500, 4500, "203.0.113.0", "203.0.113.255")}) {
            TrafficSelector back = ProxyId.toSelector(ProxyId.of(ts));
            assertEquals(ts.type(), back.type());
            assertEquals(ts.ipProtocol(), back.ipProtocol());
            assertEquals(ts.startPort(), back.startPort());
            assertEquals(ts.endPort(), back.endPort());
            assertArrayEquals(ts.startAddress(), back.startAddress());
            assertArrayEquals(ts.endAddress(), back.endAddress());
        }
    }

    @Test
    void aSubnetWithHostBitsSetNamesItsWholeNetwork() {
        var ts = ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV4_ADDR_SUBNET, 0, 0, cat("198.51.100.77", "255.255.255.0")));
        assertArrayEquals(ip("198.51.100.0"), ts.startAddress());
        assertArrayEquals(ip("198.51.100.255"), ts.endAddress());
    }

    @Test
    void malformedIdsFromAPeerYieldNoSelector() {
        // wrong data length for each address type
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV4_ADDR, 0, 0, new byte[5])));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV6_ADDR, 0, 0, new byte[4])));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV4_ADDR_SUBNET, 0, 0, new byte[4])));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV6_ADDR_SUBNET, 0, 0, new byte[16])));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV4_ADDR_RANGE, 0, 0, new byte[4])));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV6_ADDR_RANGE, 0, 0, new byte[16])));
        // a mask with a hole is not a prefix
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV4_ADDR_SUBNET, 0, 0, cat("198.51.100.0", "255.0.255.0"))));
        // a range whose end lies before its start
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV4_ADDR_RANGE, 0, 0, cat("192.0.2.9", "192.0.2.1"))));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_IPV6_ADDR_RANGE, 0, 0, cat("2001:db8::9", "2001:db8::1"))));
        // names are not phase-2 identities
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_FQDN, 0, 0, "gw.example".getBytes())));
        assertNull(ProxyId.toSelector(new V1Payload.Id(Isakmp.ID_KEY_ID, 0, 0, new byte[] {1})));
    }
}
