package io.sallyport.net.virtual;

import io.sallyport.net.IpPrefix;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static io.sallyport.net.virtual.VirtualNetworkTest.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The interop "nat" topology in memory: gw-a 198.51.100.2 behind 192.0.2.1, gw-b 192.0.2.2. */
class VirtualNatTest {

    private static final InetAddress GW_A = addr("198.51.100.2");
    private static final InetAddress NAT_PUBLIC = addr("192.0.2.1");
    private static final InetAddress GW_B = addr("192.0.2.2");
    private static final InetAddress OTHER = addr("192.0.2.3");
    private static final long SECOND = 1_000_000_000L;

    private final VirtualNetwork net = new VirtualNetwork();
    private final byte[] buf = new byte[64];

    private VirtualNat nat(final boolean keepPorts) {
        final VirtualNat nat = net.addNat(IpPrefix.parse("198.51.100.0/24"), NAT_PUBLIC, keepPorts, 30 * SECOND, 7);
        net.link(NAT_PUBLIC, GW_B);
        net.link(NAT_PUBLIC, OTHER);
        return nat;
    }

    @Test
    void shouldTranslateBothWaysWithRandomPublicPort() {
        nat(false);
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(GW_A, 4500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(GW_B, 4500));
        a.send(new byte[] {1}, 0, 1, b.localAddress());
        net.deliverDue();
        assertEquals(1, b.receive(buf, 0, buf.length));
        final InetSocketAddress seen = b.lastSource();
        assertEquals(NAT_PUBLIC, seen.getAddress());
        assertNotEquals(4500, seen.getPort(), "masquerade random moves the port");

        b.send(new byte[] {2}, 0, 1, seen);
        net.deliverDue();
        assertEquals(1, a.receive(buf, 0, buf.length));
        assertEquals(b.localAddress(), a.lastSource());
    }

    @Test
    void shouldKeepPortWhenAskedAndFree() {
        nat(true);
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(GW_A, 500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(GW_B, 500));
        a.send(new byte[1], 0, 1, b.localAddress());
        net.deliverDue();
        b.receive(buf, 0, buf.length);
        assertEquals(new InetSocketAddress(NAT_PUBLIC, 500), b.lastSource());
    }

    @Test
    void shouldDropUnsolicitedAndForeignInbound() {
        nat(true);
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(GW_A, 500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(GW_B, 500));
        final VirtualDatagramPort other = net.openUdp(new InetSocketAddress(OTHER, 500));
        b.send(new byte[1], 0, 1, new InetSocketAddress(NAT_PUBLIC, 500));
        net.deliverDue();
        assertEquals(1, net.dropped(VirtualDropReason.NAT_NO_MAPPING));

        a.send(new byte[1], 0, 1, b.localAddress());
        other.send(new byte[1], 0, 1, new InetSocketAddress(NAT_PUBLIC, 500));
        net.deliverDue();
        assertEquals(-1, a.receive(buf, 0, buf.length), "only the remote the flow was opened to gets in");
        assertEquals(2, net.dropped(VirtualDropReason.NAT_NO_MAPPING));
    }

    @Test
    void shouldForgetIdleMappingUnlessKeptAlive() {
        final VirtualNat nat = nat(false);
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(GW_A, 4500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(GW_B, 4500));
        a.send(new byte[] {(byte) 0xff}, 0, 1, b.localAddress());
        net.deliverDue();
        b.receive(buf, 0, buf.length);
        final InetSocketAddress mapped = b.lastSource();

        // A NAT keepalive every 20 s keeps the 30 s mapping.
        net.advanceBy(20 * SECOND);
        a.send(new byte[] {(byte) 0xff}, 0, 1, b.localAddress());
        net.advanceBy(30 * SECOND);
        b.send(new byte[] {3}, 0, 1, mapped);
        net.deliverDue();
        assertEquals(1, a.receive(buf, 0, buf.length));

        // Silence for longer than the timeout loses it.
        net.advanceBy(30 * SECOND + 1);
        assertEquals(0, nat.activeMappings(net.nowNanos()));
        b.send(new byte[] {4}, 0, 1, mapped);
        net.deliverDue();
        assertEquals(-1, a.receive(buf, 0, buf.length));
    }

    @Test
    void shouldHandOutNewPortAfterNatReboot() {
        final VirtualNat nat = nat(false);
        final VirtualDatagramPort a = net.openUdp(new InetSocketAddress(GW_A, 4500));
        final VirtualDatagramPort b = net.openUdp(new InetSocketAddress(GW_B, 4500));
        a.send(new byte[1], 0, 1, b.localAddress());
        net.deliverDue();
        b.receive(buf, 0, buf.length);
        final InetSocketAddress before = b.lastSource();
        nat.clear();
        a.send(new byte[1], 0, 1, b.localAddress());
        net.deliverDue();
        b.receive(buf, 0, buf.length);
        assertNotEquals(before, b.lastSource());
    }

    @Test
    void shouldPassEspWithTranslatedAddress() {
        nat(false);
        final VirtualDatagramPort espA = net.openRawEsp(GW_A);
        final VirtualDatagramPort espB = net.openRawEsp(GW_B);
        espA.send(new byte[] {0, 0, 0, 1}, 0, 4, new InetSocketAddress(GW_B, 0));
        net.deliverDue();
        assertEquals(4, espB.receive(buf, 0, buf.length));
        assertEquals(new InetSocketAddress(NAT_PUBLIC, 0), espB.lastSource());
        espB.send(new byte[] {0, 0, 0, 2}, 0, 4, espB.lastSource());
        net.deliverDue();
        assertEquals(4, espA.receive(buf, 0, buf.length));
    }

    @Test
    void shouldBeDeterministicForASeed() {
        final int first = publicPortWithSeed(11);
        assertEquals(first, publicPortWithSeed(11));
        assertThrows(IllegalArgumentException.class,
                () -> net.addNat(IpPrefix.parse("10.0.0.0/8"), NAT_PUBLIC, false, 0, 1));
    }

    private static int publicPortWithSeed(final long seed) {
        final VirtualNetwork n = new VirtualNetwork();
        n.addNat(IpPrefix.parse("198.51.100.0/24"), NAT_PUBLIC, false, 30 * SECOND, seed);
        n.link(NAT_PUBLIC, GW_B);
        final VirtualDatagramPort a = n.openUdp(new InetSocketAddress(GW_A, 4500));
        final VirtualDatagramPort b = n.openUdp(new InetSocketAddress(GW_B, 4500));
        a.send(new byte[1], 0, 1, b.localAddress());
        n.deliverDue();
        b.receive(new byte[4], 0, 4);
        return b.lastSource().getPort();
    }
}
