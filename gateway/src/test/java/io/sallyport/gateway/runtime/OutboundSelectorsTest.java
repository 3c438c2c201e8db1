package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The indexed selection picks what a walk of the tunnels in order picks. */
class OutboundSelectorsTest {

    private static OutboundTunnel tunnel(String id, String local, String remote) {
        return new OutboundTunnel(id, id.hashCode(), IpPrefix.parse(local), IpPrefix.parse(remote));
    }

    /** A 40-byte packet (the larger IPv6 header needs 40) from {@code src} to {@code dst}. */
    private static byte[] packet(String src, String dst) {
        byte[] s = InetAddress.ofLiteral(src).getAddress();
        byte[] d = InetAddress.ofLiteral(dst).getAddress();
        boolean v4 = s.length == 4;
        byte[] p = new byte[64];
        p[0] = (byte) (v4 ? 0x45 : 0x60);
        System.arraycopy(s, 0, p, PrefixMatch.sourceOffset(v4), s.length);
        System.arraycopy(d, 0, p, PrefixMatch.destinationOffset(v4), d.length);
        return p;
    }

    /** {@code address/length} with the host bits cleared. */
    private static String masked(int address, int length) {
        int m = length == 0 ? 0 : address & (-1 << (32 - length));
        return (m >>> 24) + "." + (m >>> 16 & 0xFF) + "." + (m >>> 8 & 0xFF) + "." + (m & 0xFF) + "/" + length;
    }

    private static OutboundTunnel walk(List<OutboundTunnel> tunnels, byte[] p, boolean v4) {
        for (OutboundTunnel t : tunnels) {
            if (t.remote.matches(p, PrefixMatch.destinationOffset(v4), v4) && t.local.matches(p, PrefixMatch.sourceOffset(v4), v4)) {
                return t;
            }
        }
        return null;
    }

    @Test
    void firstMatchInOrderWinsAcrossPrefixLengths() {
        var s = new OutboundSelectors();
        s.add(tunnel("narrow-other-source", "192.0.2.128/25", "198.18.1.0/24"));
        s.add(tunnel("wide", "192.0.2.0/24", "198.18.0.0/16"));
        s.add(tunnel("narrow", "192.0.2.0/24", "198.18.1.0/24"));
        s.add(tunnel("v6", "2001:db8::/64", "2001:db8:1::/48"));

        assertEquals("wide", s.select(packet("192.0.2.1", "198.18.1.7"), 0, true).id, "listed before the narrower one");
        assertEquals("narrow-other-source", s.select(packet("192.0.2.200", "198.18.1.7"), 0, true).id);
        assertEquals("wide", s.select(packet("192.0.2.1", "198.18.9.9"), 0, true).id);
        assertNull(s.select(packet("192.0.2.1", "203.0.113.1"), 0, true));
        assertNull(s.select(packet("198.51.100.1", "198.18.1.7"), 0, true), "no local selector holds the source");
        assertEquals("v6", s.select(packet("2001:db8::5", "2001:db8:1::9"), 0, false).id);

        s.removeAll(Set.of("wide", "narrow-other-source"));
        assertEquals("narrow", s.select(packet("192.0.2.200", "198.18.1.7"), 0, true).id);
        assertNull(s.select(packet("192.0.2.1", "198.18.9.9"), 0, true));
        assertSame(s.find("narrow"), s.select(packet("192.0.2.1", "198.18.1.1"), 0, true));
        assertNull(s.find("wide"));
        assertEquals(2, s.size());
    }

    @Test
    void aZeroLengthSelectorHoldsEveryDestination() {
        var s = new OutboundSelectors();
        s.add(tunnel("peer", "0.0.0.0/0", "10.0.1.0/24"));
        s.add(tunnel("default", "0.0.0.0/0", "0.0.0.0/0"));
        assertEquals("peer", s.select(packet("10.0.0.1", "10.0.1.1"), 0, true).id);
        assertEquals("default", s.select(packet("10.0.0.1", "8.8.8.8"), 0, true).id);
    }

    /** Random tunnel lists (overlapping prefixes of a few lengths, as configured terms and dynamic peers make) and packets. */
    @Test
    void selectsWhatTheWalkSelects() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int[] lengths = {0, 8, 16, 23, 24, 25, 32};
            List<OutboundTunnel> list = new ArrayList<>();
            var s = new OutboundSelectors();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                String remote = masked(0xC612_0000 | r.nextInt(4) << 8 | r.nextInt(256), lengths[r.nextInt(lengths.length)]);
                String local = r.nextInt(3) == 0 ? "192.0.2." + (r.nextInt(2) * 128) + "/25" : "192.0.2.0/24";
                OutboundTunnel t = tunnel("t" + i, local, remote);
                list.add(t);
                s.add(t);
            }
            if (r.nextBoolean()) {
                Set<String> gone = new java.util.HashSet<>(List.of("t" + r.nextInt(n), "t" + r.nextInt(n)));
                list.removeIf(t -> gone.contains(t.id));
                s.removeAll(gone);
            }
            for (int i = 0; i < 50; i++) {
                byte[] p = packet("192.0.2." + r.nextInt(256), (r.nextInt(8) == 0 ? "203.0.113." : "198.18." + r.nextInt(4) + ".") + r.nextInt(256));
                assertSame(walk(list, p, true), s.select(p, 0, true));
            }
        });
    }
}
