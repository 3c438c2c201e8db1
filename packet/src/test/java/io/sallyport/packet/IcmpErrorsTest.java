package io.sallyport.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IcmpErrorsTest {
    private static final int ROUTER = 0xCB007101; // 203.0.113.1

    @Test
    @DisplayName("RFC 1191: fragmentation needed carries the next-hop MTU and quotes the packet")
    void fragmentationNeeded() {
        final byte[] p = TestPackets.ipv4Udp(1400, true, 5, 1);
        final byte[] out = new byte[1500];
        final int n = IcmpErrors.ipv4FragmentationNeeded(p, 0, p.length, ROUTER, 1400, out, 0);
        assertEquals(576, n);
        final Ipv4View v = new Ipv4View().wrap(out, 0, n);
        assertTrue(v.isWellFormed() && v.checksumValid());
        assertEquals(IpProtocol.ICMP, v.protocol());
        assertEquals(TestPackets.SRC, v.destination());
        assertEquals(ROUTER, v.source());
        final IcmpView icmp = new IcmpView().wrap(out, 20, n - 20);
        assertEquals(3, icmp.type());
        assertEquals(4, icmp.code());
        assertEquals(1400, icmp.rest() & 0xFFFF);
        assertTrue(icmp.ipv4ChecksumValid() && icmp.isIpv4Error());
        assertTrue(Arrays.equals(p, 0, 28, out, 28, 56));
    }

    @Test
    void timeExceededIsNotSentAboutAnIcmpError() {
        final byte[] p = TestPackets.ipv4Udp(40, false, 5, 1);
        final byte[] out = new byte[1500];
        final int n = IcmpErrors.ipv4TimeExceeded(p, 0, p.length, ROUTER, out, 0);
        assertEquals(11, out[20]);
        final byte[] again = new byte[1500];
        assertEquals(0, IcmpErrors.ipv4TimeExceeded(out, 0, n, ROUTER, again, 0));
    }

    @Test
    @DisplayName("RFC 4443 §3.1: packet too big, checksum over the pseudo-header, at most 1280 bytes")
    void packetTooBig() {
        final byte[] p = TestPackets.ipv6Udp(1500, 2);
        final byte[] out = new byte[1500];
        final int n = IcmpErrors.ipv6PacketTooBig(p, 0, p.length, TestPackets.v6(9), 1400, out, 0);
        assertEquals(1280, n);
        final Ipv6View v = new Ipv6View().wrap(out, 0, n);
        assertTrue(v.isWellFormed());
        assertEquals(IpProtocol.ICMPV6, v.nextHeader());
        final IcmpView icmp = new IcmpView().wrap(out, 40, n - 40);
        assertEquals(2, icmp.type());
        assertEquals(1400, icmp.rest());
        assertTrue(icmp.ipv6ChecksumValid(0) && icmp.isIpv6Error());
        assertTrue(Arrays.equals(p, 8, 24, out, 24, 40));
        final byte[] again = new byte[1500];
        assertEquals(0, IcmpErrors.ipv6TimeExceeded(out, 0, n, TestPackets.v6(9), again, 0));
    }

    @Test
    void noErrorAboutANonInitialFragment() {
        final byte[] p = TestPackets.ipv4Udp(100, false, 5, 1);
        final Ipv4View v = new Ipv4View().wrap(p, 0, p.length);
        v.flagsFragment(10);
        v.updateChecksum();
        assertEquals(0, IcmpErrors.ipv4TimeExceeded(p, 0, p.length, ROUTER, new byte[600], 0));
    }
}
