package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Traffic selectors (RFC 7296 §3.13.1): containment, §2.9 narrowing, value equality and the text in traces. */
class TrafficSelectorTest {

    private static final TrafficSelector NET = TrafficSelector.ofPrefix("198.18.0.0", 16);

    private static TrafficSelector v4(int proto, int sp, int ep, String from, String to) {
        return new TrafficSelector(Wire.TS_IPV4_ADDR_RANGE, proto, sp, ep, addr(from), addr(to));
    }

    private static byte[] addr(String a) {
        try {
            return java.net.InetAddress.getByName(a).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldContainOnlyWhatLiesInsideInEveryDimension() {
        assertTrue(NET.contains(v4(6, 443, 443, "198.18.1.1", "198.18.1.1")), "any protocol and port contains TCP/443");
        assertFalse(v4(6, 0, 65535, "198.18.0.0", "198.18.255.255").contains(v4(17, 0, 65535, "198.18.1.0", "198.18.1.255")),
                "TCP does not contain UDP");
        assertFalse(v4(0, 1000, 2000, "198.18.0.0", "198.18.255.255").contains(v4(0, 999, 1500, "198.18.1.0", "198.18.1.255")));
        assertFalse(NET.contains(v4(0, 0, 65535, "198.17.255.255", "198.18.0.5")), "starts below");
        assertFalse(NET.contains(v4(0, 0, 65535, "198.18.0.0", "198.19.0.0")), "ends above");
        assertFalse(NET.contains(TrafficSelector.ofPrefix("2001:db8::", 32)), "IPv6 is not inside IPv4");
    }

    @Test
    void shouldNarrowToTheIntersectionOrToNothing() {
        TrafficSelector tcp = v4(6, 1000, 2000, "198.18.1.0", "198.18.3.255");
        TrafficSelector n = NET.intersect(tcp);
        assertEquals(tcp, n, "inside the /16: the TCP range itself");
        assertEquals(tcp, tcp.intersect(NET), "the same either way round");
        TrafficSelector anyPorts = v4(0, 1500, 3000, "198.18.2.0", "198.18.9.255");
        assertEquals(v4(6, 1500, 2000, "198.18.2.0", "198.18.3.255"), tcp.intersect(anyPorts));
        assertNull(tcp.intersect(v4(17, 0, 65535, "198.18.0.0", "198.18.255.255")), "TCP and UDP");
        assertNull(tcp.intersect(v4(6, 2001, 3000, "198.18.0.0", "198.18.255.255")), "disjoint ports");
        assertNull(tcp.intersect(v4(6, 0, 65535, "198.18.4.0", "198.18.4.255")), "disjoint addresses");
        assertNull(NET.intersect(TrafficSelector.ofPrefix("2001:db8::", 32)));
    }

    @Test
    void shouldCompareByValue() {
        TrafficSelector a = v4(6, 1, 2, "198.18.1.0", "198.18.1.255");
        assertEquals(a, v4(6, 1, 2, "198.18.1.0", "198.18.1.255"));
        assertEquals(a.hashCode(), v4(6, 1, 2, "198.18.1.0", "198.18.1.255").hashCode());
        assertNotEquals(a, v4(17, 1, 2, "198.18.1.0", "198.18.1.255"));
        assertNotEquals(a, v4(6, 0, 2, "198.18.1.0", "198.18.1.255"));
        assertNotEquals(a, v4(6, 1, 3, "198.18.1.0", "198.18.1.255"));
        assertNotEquals(a, v4(6, 1, 2, "198.18.1.1", "198.18.1.255"));
        assertNotEquals(a, v4(6, 1, 2, "198.18.1.0", "198.18.1.254"));
        assertNotEquals(a, new TrafficSelector(Wire.TS_IPV6_ADDR_RANGE, 6, 1, 2, addr("198.18.1.0"), addr("198.18.1.255")));
        assertNotEquals(a, "198.18.1.0/24");
    }

    @Test
    void shouldSayItselfAsRangePortsAndProtocol() {
        assertEquals("198.18.0.0-198.18.255.255", NET.toString());
        assertEquals("198.18.1.0-198.18.1.255[500-500] proto 17", v4(17, 500, 500, "198.18.1.0", "198.18.1.255").toString());
        TrafficSelector v6 = TrafficSelector.ofPrefix("2001:db8:1::", 48);
        assertTrue(v6.toString().startsWith("2001:db8:1:0:0:0:0:0-2001:db8:1:ffff:"), v6.toString());
        assertTrue(Arrays.equals(addr("2001:db8:1::"), v6.startAddress()));
        assertEquals("invalid selector", new TrafficSelector(Wire.TS_IPV4_ADDR_RANGE, 0, 0, 65535, new byte[3], new byte[3]).toString());
    }
}
