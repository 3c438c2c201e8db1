package io.sallyport.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IpPrefixTest {

    @Test
    void shouldParseAndPrintPrefixes() {
        assertEquals("198.18.2.0/24", IpPrefix.parse("198.18.2.0/24").toString());
        assertEquals("192.0.2.1/32", IpPrefix.parse("192.0.2.1").toString());
        assertEquals(64, IpPrefix.parse("2001:db8::/64").length());
        assertFalse(IpPrefix.parse("2001:db8::/64").isIpv4());
    }

    @Test
    void shouldRefuseHostBitsBadLengthsAndNames() {
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("198.18.2.1/24"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("198.18.2.0/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("198.18.2.0/x"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("example.net/24"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("/24"));
    }
}
