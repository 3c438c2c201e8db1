package io.sallyport.net.linux;

import io.sallyport.net.IpPrefix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steering by destination against a real kernel, in a namespace of its own: the LPM-trie table
 * ({@link BpfLpmMap}) and a steered TUN device with three read queues and a write queue, into
 * which the namespace routes documentation prefixes; each packet is looked for on the queue the
 * table names, and on no other.
 */
@Tag("root")
class TunSteeringRootTest {

    private static final String DEV = "spsteer0";

    @RegisterExtension
    static final NamespaceExtension ns = NamespaceExtension.named("tunsteer");

    @Test
    @DisplayName("the table answers the longest prefix holding an address, IPv4 and IPv6 alike, and forgets removed prefixes")
    void shouldLookUpLongestPrefixAndRemove() {
        try (BpfLpmMap map = BpfLpmMap.create(16)) {
            map.put(IpPrefix.parse("198.51.100.0/24"), 1);
            map.put(IpPrefix.parse("198.51.100.128/25"), 2);
            map.put(IpPrefix.parse("2001:db8::/32"), 3);
            map.put(IpPrefix.parse("0.0.0.0/0"), 4);
            assertEquals(OptionalInt.of(1), map.lookup(address("198.51.100.5")));
            assertEquals(OptionalInt.of(2), map.lookup(address("198.51.100.200")));
            assertEquals(OptionalInt.of(4), map.lookup(address("203.0.113.1")), "IPv4's default route");
            assertEquals(OptionalInt.of(3), map.lookup(address("2001:db8::1")));
            assertEquals(OptionalInt.empty(), map.lookup(address("2001:db9::1")), "0.0.0.0/0 holds no IPv6 address");
            map.put(IpPrefix.parse("198.51.100.128/25"), 5);
            assertEquals(OptionalInt.of(5), map.lookup(address("198.51.100.200")), "replaced");
            assertTrue(map.remove(IpPrefix.parse("198.51.100.128/25")));
            assertFalse(map.remove(IpPrefix.parse("198.51.100.128/25")), "gone already");
            assertEquals(OptionalInt.of(1), map.lookup(address("198.51.100.200")));
        }
    }

    @Test
    @DisplayName("a full table refuses another prefix with the host's reason")
    void shouldRefuseBeyondCapacity() {
        try (BpfLpmMap map = BpfLpmMap.create(2)) {
            map.put(IpPrefix.parse("198.51.100.0/24"), 1);
            map.put(IpPrefix.parse("203.0.113.0/24"), 1);
            assertThrows(io.sallyport.net.HostNetworkException.class, () -> map.put(IpPrefix.parse("192.0.2.0/24"), 1));
        }
    }

    @Test
    @DisplayName("a steered device sends each packet to the read queue its destination's prefix names (queue 0 without one), never to a write queue; also after the device was deleted and recreated")
    void shouldSteerByDestination() {
        final LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.openSteered(DEV, 1400, false, 3, 64));
        final LinuxTun writer = NetNamespace.call(ns.name, tun::openWriteQueue);
        try {
            assertEquals(3, tun.readQueues().size());
            tun.steer(IpPrefix.parse("198.51.100.0/24"), 1);
            tun.steer(IpPrefix.parse("203.0.113.0/24"), 2);
            tun.steer(IpPrefix.parse("203.0.113.128/25"), 1);
            tun.steer(IpPrefix.parse("2001:db8:1::/48"), 2);
            assertThrows(IllegalStateException.class, () -> tun.steer(IpPrefix.parse("192.0.2.0/24"), 3),
                    "queue 3 would be the write queue");
            for (int round = 0; round < 2; round++) {
                configure();
                tun.readQueues().forEach(TunSteeringRootTest::drain);
                expect(tun, writer, "198.51.100.7", 1);
                expect(tun, writer, "203.0.113.9", 2);
                expect(tun, writer, "203.0.113.200", 1);
                expect(tun, writer, "192.0.2.9", 0);
                expect(tun, writer, "2001:db8:1::9", 2);
                expect(tun, writer, "2001:db8:2::9", 0);
                if (round == 0) {
                    ns.run("ip", "-n", ns.name, "link", "del", DEV);
                    NetNamespace.call(ns.name, () -> {
                        tun.reattach();
                        return null;
                    });
                }
            }
            assertTrue(tun.unsteer(IpPrefix.parse("198.51.100.0/24")));
            expect(tun, writer, "198.51.100.7", 0);
        } finally {
            tun.forgetWriteQueue(writer);
            writer.close();
            tun.close();
        }
    }

    /** The device's address and routes (gone with the device when it is deleted). */
    private void configure() {
        ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.33/30", "dev", DEV);
        ns.run("ip", "-n", ns.name, "-6", "addr", "add", "2001:db8:ff::1/64", "dev", DEV, "nodad");
        for (String prefix : List.of("198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24", "2001:db8:1::/48", "2001:db8:2::/48")) {
            ns.run("ip", "-n", ns.name, "route", "add", prefix, "dev", DEV);
        }
    }

    /** Twenty flows to {@code destination} (the kernel's own choice would spread them) all arrive on read queue {@code queue}. */
    private void expect(final LinuxTun tun, final LinuxTun writer, final String destination, final int queue) {
        final InetAddress to = address(destination);
        final InetAddress from = address(to.getAddress().length == 4 ? "198.18.99.33" : "2001:db8:ff::1");
        try (LinuxUdpPort udp = NetNamespace.call(ns.name, () -> LinuxUdpPort.bind(new InetSocketAddress(from, 0), true))) {
            for (int port = 10000; port < 10020; port++) {
                assertTrue(udp.send(new byte[8], 0, 8, new InetSocketAddress(to, port)));
            }
        }
        final List<LinuxTun> queues = tun.readQueues();
        assertEquals(20, packetsTo(queues.get(queue), to, 20), destination + ": every flow on queue " + queue);
        for (int q = 0; q < queues.size(); q++) {
            if (q != queue) {
                assertEquals(0, packetsTo(queues.get(q), to, 0), destination + ": nothing on queue " + q);
            }
        }
        assertEquals(0, packetsTo(writer, to, 0), destination + ": nothing on the write queue");
    }

    /** Reads packets to {@code to} until {@code expected} came or none more arrives (briefly, when none is expected). */
    private static int packetsTo(final LinuxTun q, final InetAddress to, final int expected) {
        final byte[] buf = new byte[2048];
        final byte[] want = to.getAddress();
        int found = 0;
        while (found < expected || expected == 0) {
            if (!q.awaitReadable(expected == 0 ? 50 : 2000)) {
                break;
            }
            int n;
            while ((n = q.read(buf, 0, buf.length)) >= 0) {
                final boolean v4 = (buf[0] & 0xf0) == 0x40;
                final int at = v4 ? 16 : 24;
                if (n >= at + want.length && (v4 == (want.length == 4))
                        && java.util.Arrays.equals(buf, at, at + want.length, want, 0, want.length)) {
                    found++;
                }
            }
        }
        return found;
    }

    private static void drain(final LinuxTun q) {
        final byte[] buf = new byte[2048];
        while (q.read(buf, 0, buf.length) >= 0) {
            // what the kernel sent when the device came up (IPv6 router solicitations, ...)
        }
    }

    private static InetAddress address(final String text) {
        return InetAddress.ofLiteral(text);
    }
}
