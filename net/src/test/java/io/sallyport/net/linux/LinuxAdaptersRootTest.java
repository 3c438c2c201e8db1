package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.LinkState;
import io.sallyport.net.NetworkEvent;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.PortCounter;
import io.sallyport.net.Route;
import io.sallyport.net.TunPort;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux adapters against a real kernel, inside a namespace this class creates: TUN device
 * {@code sptest0} with 198.18.99.1/30, the far end being 198.18.99.2 (behind the TUN).
 */
@Tag("root")
class LinuxAdaptersRootTest {

    private static final String DEV = "sptest0";
    private static final Inet4Address LOCAL = v4("198.18.99.1");
    private static final Inet4Address FAR = v4("198.18.99.2");

    @RegisterExtension
    static final NamespaceExtension ns = NamespaceExtension.named("adapters");
    private final LinuxNetworkControl control = LinuxNetworkControl.ofNamespace(ns.name);

    private static Inet4Address v4(final String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (final java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private LinuxTun openTun(final String name) {
        final LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.open(name, 1400));
        ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.1/30", "dev", name);
        return tun;
    }

    /** Reads until an IPv4 packet of {@code protocol} arrives (the kernel may send IPv6 noise). */
    private static byte[] readIpv4(final TunPort tun, final int protocol) {
        final byte[] buf = new byte[2048];
        for (int i = 0; i < 50; i++) {
            if (!tun.awaitReadable(2000)) {
                break;
            }
            final int n = tun.read(buf, 0, buf.length);
            if (n >= 20 && (buf[0] & 0xf0) == 0x40 && TestPackets.protocol(buf) == protocol) {
                return Arrays.copyOf(buf, n);
            }
        }
        throw new AssertionError("no IPv4 protocol " + protocol + " packet came out of the TUN");
    }

    @Test
    @DisplayName("a UDP datagram routed to the TUN is read whole, and a packet written to it reaches a socket")
    void shouldCarryUdpBothWaysThroughTun() {
        try (LinuxTun tun = openTun(DEV);
             LinuxUdpPort udp = NetNamespace.call(ns.name,
                     () -> LinuxUdpPort.bind(new InetSocketAddress(LOCAL, 4500), true))) {
            assertEquals(1400, NetNamespace.call(ns.name, () -> InterfaceIoctl.mtu(DEV)));
            assertTrue(NetNamespace.call(ns.name, () -> InterfaceIoctl.isUp(DEV)));

            final byte[] hello = "to-the-tun".getBytes(StandardCharsets.US_ASCII);
            assertTrue(udp.send(hello, 0, hello.length, new InetSocketAddress(FAR, 9999)));
            final byte[] out = readIpv4(tun, TestPackets.PROTO_UDP);
            assertArrayEquals(FAR.getAddress(), Arrays.copyOfRange(out, 16, 20));
            assertEquals(4500, TestPackets.u16(out, 20));
            assertEquals(9999, TestPackets.u16(out, 22));
            assertArrayEquals(hello, Arrays.copyOfRange(out, 28, out.length));

            final byte[] reply = "from-the-tun".getBytes(StandardCharsets.US_ASCII);
            final byte[] packet = TestPackets.ipv4(FAR, LOCAL, TestPackets.PROTO_UDP,
                    TestPackets.udp(7777, 4500, reply));
            final byte[] framed = new byte[packet.length + 10];
            System.arraycopy(packet, 0, framed, 10, packet.length);
            assertTrue(tun.write(framed, 10, packet.length), "write at an offset of a heap array");
            try (LinuxReadySet ready = LinuxReadySet.of(List.of(tun, udp))) {
                assertEquals(0b10, ready.await(2000) & 0b10, "the UDP socket is ready");
            }
            assertTrue(udp.awaitReadable(2000));
            final byte[] buf = new byte[100];
            final int n = udp.receive(buf, 3, 90);
            assertArrayEquals(reply, Arrays.copyOfRange(buf, 3, 3 + n));
            assertEquals(new InetSocketAddress(FAR, 7777), udp.lastSource());
            assertEquals(1, tun.counters().get(PortCounter.PACKETS_SENT));
            assertEquals(-1, udp.receive(buf, 0, buf.length), "nothing more waits");
        }
        assertFalse(control.links().stream().anyMatch(l -> l.name().equals(DEV)),
                "a non-persistent TUN disappears with its last queue");
    }

    @Test
    @DisplayName("plain ESP goes out through a raw socket and comes back without its IPv4 header")
    void shouldCarryRawEspBothWays() {
        try (LinuxTun tun = openTun("sptest1");
             LinuxRawEspPort esp = NetNamespace.call(ns.name, () -> LinuxRawEspPort.open(LOCAL))) {
            final byte[] espOut = {0, 0, 0x10, 0x01, 0, 0, 0, 1, 9, 8, 7, 6};
            assertTrue(esp.send(espOut, 0, espOut.length, new InetSocketAddress(FAR, 0)));
            final byte[] out = readIpv4(tun, TestPackets.PROTO_ESP);
            assertArrayEquals(LOCAL.getAddress(), Arrays.copyOfRange(out, 12, 16));
            assertArrayEquals(espOut, Arrays.copyOfRange(out, 20, out.length));

            final byte[] espIn = {0, 0, 0x20, 0x02, 0, 0, 0, 7, 1, 2, 3};
            final byte[] packet = TestPackets.ipv4(FAR, LOCAL, TestPackets.PROTO_ESP, espIn);
            assertTrue(tun.write(packet, 0, packet.length));
            assertTrue(esp.awaitReadable(2000));
            final byte[] buf = new byte[256];
            final int n = esp.receive(buf, 4, 200);
            assertArrayEquals(espIn, Arrays.copyOfRange(buf, 4, 4 + n));
            assertEquals(new InetSocketAddress(FAR, 0), esp.lastSource());
        }
    }

    @Test
    @DisplayName("plain ESP over IPv6 arrives without any header to strip")
    void shouldCarryRawEspOverIpv6() {
        ns.run("ip", "-n", ns.name, "link", "set", "lo", "up");
        final InetAddress loopback6 = parse("::1");
        try (LinuxRawEspPort sender = NetNamespace.call(ns.name, () -> LinuxRawEspPort.open(loopback6));
             LinuxRawEspPort receiver = NetNamespace.call(ns.name, () -> LinuxRawEspPort.open(loopback6))) {
            final byte[] esp = {0, 0, 0x30, 0x03, 0, 0, 0, 1, 42};
            assertTrue(sender.send(esp, 0, esp.length, new InetSocketAddress(loopback6, 0)));
            assertTrue(receiver.awaitReadable(2000));
            final byte[] buf = new byte[64];
            final int n = receiver.receive(buf, 1, 60);
            assertArrayEquals(esp, Arrays.copyOfRange(buf, 1, 1 + n));
            assertEquals(new InetSocketAddress(loopback6, 0), receiver.lastSource());
            assertFalse(sender.send(esp, 0, esp.length, new InetSocketAddress(FAR, 0)), "IPv4 peer on IPv6 socket");
            assertEquals(1, sender.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE));
        }
    }

    @Test
    @DisplayName("a send-only raw ESP socket sends in batches and is given no copy; the receiver takes them in batches")
    void shouldSendFromARawEspSenderThatReceivesNothing() {
        ns.run("ip", "-n", ns.name, "link", "set", "lo", "up");
        final InetAddress loopback = parse("127.0.0.1");
        try (LinuxRawEspPort receiver = NetNamespace.call(ns.name, () -> LinuxRawEspPort.open(loopback));
             LinuxRawEspPort sender = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openSender(loopback))) {
            final io.sallyport.net.SendBatch batch = sender.newSendBatch();
            final byte[] esp = {0, 0, 0x30, 0x04, 0, 0, 0, 1, 0};
            for (int i = 0; i < 3; i++) {
                esp[8] = (byte) i;
                assertTrue(batch.add(esp, 0, esp.length, new InetSocketAddress(loopback, 0)));
            }
            assertEquals(3, batch.flush());
            final byte[] buf = new byte[128];
            assertTrue(receiver.awaitReadable(2000));
            // Received as a batch (recvmmsg): the IPv4 header the kernel hands raw sockets is stripped.
            final io.sallyport.net.ReceiveBatch in = receiver.newReceiveBatch();
            int seen = 0;
            while (seen < 3) {
                final int n = in.receive();
                assertTrue(n > 0 || receiver.awaitReadable(2000), "packets went missing after " + seen);
                for (int i = 0; i < n; i++, seen++) {
                    assertEquals(esp.length, in.copy(i, buf, 0, buf.length));
                    assertEquals(seen, buf[8], "packet " + seen);
                    assertEquals(new InetSocketAddress(loopback, 0), in.source(i));
                }
            }
            assertEquals(3, sender.counters().get(PortCounter.PACKETS_SENT));
            assertFalse(sender.awaitReadable(0), "the sender's filter lets nothing in");
            assertEquals(-1, sender.receive(buf, 0, buf.length));
        }
    }

    /** An ESP packet in an IPv4 header with the given ToS, flags word (DF) and TTL; ID and checksum left 0. */
    private static byte[] espPacket(final int tos, final int flags, final int ttl, final int espLength) {
        final byte[] esp = new byte[espLength];
        for (int i = 0; i < esp.length; i++) {
            esp[i] = (byte) (i * 7);
        }
        final byte[] p = TestPackets.ipv4(LOCAL, FAR, TestPackets.PROTO_ESP, esp);
        p[1] = (byte) tos;
        p[6] = (byte) (flags >>> 8);
        p[8] = (byte) ttl;
        p[10] = 0;
        p[11] = 0;
        return p;
    }

    /** The RFC 1071 sum over an IPv4 header: 0xffff when its checksum is right. */
    private static int headerSum(final byte[] p) {
        int sum = 0;
        for (int i = 0; i < (p[0] & 0x0f) * 4; i += 2) {
            sum += TestPackets.u16(p, i);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    @Test
    @DisplayName("an IPPROTO_RAW sender puts our outer header on the wire (ToS, DF, TTL), the kernel the ID and checksum")
    void shouldSendWholeIpv4PacketsFromAHeaderSender() {
        try (LinuxTun tun = openTun("sptest2");
             LinuxRawEspPort sender = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openHeaderSender(LOCAL))) {
            assertTrue(sender.takesIpHeader());
            final byte[] packet = espPacket(0x28, 0x4000, 33, 40);
            final io.sallyport.net.SendBatch batch = sender.newSendBatch();
            assertTrue(batch.add(packet, 0, packet.length, new InetSocketAddress(FAR, 0)));
            assertEquals(1, batch.flush());
            final byte[] out = readIpv4(tun, TestPackets.PROTO_ESP);
            assertEquals(packet.length, out.length);
            assertEquals(0x28, out[1] & 0xff, "ToS");
            assertEquals(0x4000, TestPackets.u16(out, 6), "DF, no fragment offset");
            assertEquals(33, out[8] & 0xff, "TTL");
            assertEquals(0xffff, headerSum(out), "header checksum");
            assertArrayEquals(LOCAL.getAddress(), Arrays.copyOfRange(out, 12, 16));
            assertArrayEquals(Arrays.copyOfRange(packet, 20, packet.length), Arrays.copyOfRange(out, 20, out.length));
            // Without DF the kernel chooses the ID (with DF, RFC 6864's atomic datagram, it may leave 0).
            final byte[] noDf = espPacket(0, 0, 64, 40);
            noDf[4] = 0x12;
            assertTrue(sender.send(noDf, 0, noDf.length, new InetSocketAddress(FAR, 0)));
            final byte[] second = readIpv4(tun, TestPackets.PROTO_ESP);
            assertEquals(0, TestPackets.u16(second, 6), "no DF");
            assertTrue(TestPackets.u16(second, 4) != 0, "the kernel chose an ID");
            assertEquals(0xffff, headerSum(second), "header checksum");
            assertEquals(2, sender.counters().get(PortCounter.PACKETS_SENT));
            assertFalse(sender.awaitReadable(0), "an IPPROTO_RAW socket is given nothing");
        }
    }

    @Test
    @DisplayName("a whole packet longer than the link MTU leaves fragmented without DF (TTL and ToS kept) and is dropped with DF")
    void shouldFragmentWhatTheHeaderSenderCannotSendWhole() {
        try (LinuxTun tun = openTun("sptest3");
             LinuxRawEspPort sender = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openHeaderSender(LOCAL))) {
            // The device's MTU is 1400: 1800 bytes fit a send batch's slot, 3000 go by sendto.
            for (final int length : new int[] {1800, 3000}) {
                final byte[] packet = espPacket(0x10, 0, 20, length - 20);
                final io.sallyport.net.SendBatch batch = sender.newSendBatch();
                assertTrue(batch.add(packet, 0, packet.length, new InetSocketAddress(FAR, 0)));
                batch.flush();
                final byte[] payload = new byte[length - 20];
                int id = -1;
                int got = 0;
                boolean last = false;
                while (!last) {
                    final byte[] frag = readIpv4(tun, TestPackets.PROTO_ESP);
                    assertTrue(frag.length <= 1400, "fragment of " + frag.length);
                    assertEquals(0x10, frag[1] & 0xff, "ToS");
                    assertEquals(20, frag[8] & 0xff, "TTL");
                    assertEquals(0xffff, headerSum(frag));
                    final int word = TestPackets.u16(frag, 6);
                    assertEquals(0, word & 0x4000, "no DF on a fragment");
                    if (id < 0) {
                        id = TestPackets.u16(frag, 4);
                    }
                    assertEquals(id, TestPackets.u16(frag, 4), "one ID for every fragment");
                    final int at = (word & 0x1fff) * 8;
                    System.arraycopy(frag, 20, payload, at, frag.length - 20);
                    got += frag.length - 20;
                    last = (word & 0x2000) == 0;
                }
                assertEquals(length - 20, got, "every fragment of " + length);
                assertArrayEquals(Arrays.copyOfRange(packet, 20, length), payload);
            }
            assertEquals(0, sender.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE));

            final byte[] df = espPacket(0, 0x4000, 64, 1780);
            final io.sallyport.net.SendBatch batch = sender.newSendBatch();
            batch.add(df, 0, df.length, new InetSocketAddress(FAR, 0));
            batch.flush();
            assertEquals(1, sender.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE), "DF: dropped, counted");
        }
    }

    private static InetAddress parse(final String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (final java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    @DisplayName("a multi-queue TUN gives one port per queue on the same device")
    void shouldOpenMultiQueueTun() {
        final List<LinuxTun> queues = NetNamespace.call(ns.name, () -> LinuxTun.openQueues("sptest2", 1300, 2));
        try {
            assertEquals(2, queues.size());
            assertTrue(queues.stream().allMatch(q -> q.name().equals("sptest2") && q.mtu() == 1300));
            final LinkState link = control.links().stream().filter(l -> l.name().equals("sptest2"))
                    .findFirst().orElseThrow();
            assertTrue(link.up());
            assertEquals(1300, link.mtu());
        } finally {
            queues.forEach(LinuxTun::close);
        }
    }

    @Test
    @DisplayName("a steered TUN sends everything the host routes into it to queue 0; its write queues deliver what they write, also after the device was deleted and recreated")
    void shouldSteerHostTrafficToQueueZeroAndDeliverWriteQueues() {
        final Inet4Address local = v4("198.18.99.17");
        final Inet4Address far = v4("198.18.99.18");
        final LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.openSteered("sptest4", 1300, false));
        final List<LinuxTun> writers = NetNamespace.call(ns.name, () -> List.of(tun.openWriteQueue(), tun.openWriteQueue()));
        try (LinuxUdpPort udp = withAddress("sptest4", local, () -> LinuxUdpPort.bind(new InetSocketAddress(local, 4500), true))) {
            assertTrue(tun.steered());
            for (int round = 0; round < 2; round++) {
                drain(tun);
                // Twenty flows (destination ports): the kernel's own choice would spread them over the queues.
                for (int port = 10000; port < 10020; port++) {
                    assertTrue(udp.send(new byte[8], 0, 8, new InetSocketAddress(far, port)));
                }
                assertEquals(20, udpPacketsRead(tun, 20), "round " + round + ": every flow on queue 0");
                for (final LinuxTun writer : writers) {
                    assertEquals(-1, writer.read(new byte[2048], 0, 2048), "round " + round + ": nothing on a write queue");
                }
                for (int i = 0; i < writers.size(); i++) {
                    final byte[] payload = {(byte) round, (byte) i};
                    final byte[] packet = TestPackets.ipv4(far, local, TestPackets.PROTO_UDP, TestPackets.udp(7000 + i, 4500, payload));
                    assertTrue(writers.get(i).write(packet, 0, packet.length));
                    assertTrue(udp.awaitReadable(2000), "round " + round + ": write queue " + i + " delivers");
                    final byte[] got = new byte[16];
                    assertEquals(2, udp.receive(got, 0, got.length));
                    assertArrayEquals(payload, Arrays.copyOf(got, 2));
                }
                if (round == 0) {
                    ns.run("ip", "-n", ns.name, "link", "del", "sptest4");
                    final byte[] probe = TestPackets.ipv4(far, local, TestPackets.PROTO_UDP, TestPackets.udp(7000, 4500, new byte[2]));
                    assertFalse(writers.getFirst().write(probe, 0, probe.length), "a write queue of a deleted device");
                    assertThrows(HostNetworkException.class, () -> NetNamespace.call(ns.name, tun::openWriteQueue),
                            "no write queue while the device is deleted: it would create another device");
                    assertFalse(control.links().stream().anyMatch(l -> l.name().equals("sptest4")),
                            "the refused queue's device went with it");
                    NetNamespace.call(ns.name, () -> {
                        tun.reattach();
                        return null;
                    });
                    ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.17/30", "dev", "sptest4");
                }
            }
        } finally {
            writers.forEach(w -> {
                tun.forgetWriteQueue(w);
                w.close();
            });
            tun.close();
        }
    }

    private <T> T withAddress(final String device, final Inet4Address address, final java.util.concurrent.Callable<T> then) {
        ns.run("ip", "-n", ns.name, "addr", "add", address.getHostAddress() + "/30", "dev", device);
        return NetNamespace.call(ns.name, then);
    }

    private static void drain(final TunPort tun) {
        final byte[] buf = new byte[2048];
        while (tun.read(buf, 0, buf.length) >= 0) {
            // IPv6 noise the kernel sent when the device came up
        }
    }

    /** Reads IPv4 UDP packets from {@code tun} until {@code expected} came or none more arrives. */
    private static int udpPacketsRead(final TunPort tun, final int expected) {
        final byte[] buf = new byte[2048];
        int udp = 0;
        while (udp < expected && tun.awaitReadable(2000)) {
            int n;
            while ((n = tun.read(buf, 0, buf.length)) >= 0) {
                if (n >= 20 && (buf[0] & 0xf0) == 0x40 && TestPackets.protocol(buf) == TestPackets.PROTO_UDP) {
                    udp++;
                }
            }
        }
        return udp;
    }

    @Test
    @DisplayName("a TUN device deleted under its queue is reported, can be left out of poll, and is created again on the same queue")
    void shouldReportADeletedTunAndReattach() {
        try (LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.open("sptest3", 1300));
             LinuxReadySet ready = LinuxReadySet.of(List.of(tun))) {
            final byte[] buf = new byte[2048];
            while (tun.read(buf, 0, buf.length) >= 0) {
                // IPv6 noise the kernel sent when the device came up
            }
            assertFalse(tun.deleted());
            ns.run("ip", "-n", ns.name, "link", "del", "sptest3");

            assertEquals(1, ready.await(2000), "a deleted device wakes its poller (POLLERR)");
            assertEquals(-1, tun.read(buf, 0, buf.length));
            assertTrue(tun.deleted(), "EBADFD means the device is gone");
            assertEquals(1, tun.counters().get(PortCounter.RECEIVE_ERROR));
            assertEquals(1, ready.await(0), "still POLLERR on every poll");
            ready.ignore(0, true);
            assertEquals(0, ready.await(100), "an ignored port no longer wakes the poller");

            NetNamespace.call(ns.name, () -> {
                tun.reattach();
                return null;
            });
            assertFalse(tun.deleted());
            final LinkState link = control.links().stream().filter(l -> l.name().equals("sptest3"))
                    .findFirst().orElseThrow(() -> new AssertionError("sptest3 was not created again"));
            assertTrue(link.up());
            assertEquals(1300, link.mtu());
            ready.ignore(0, false);
            ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.5/30", "dev", "sptest3");
            final byte[] packet = TestPackets.ipv4(v4("198.18.99.6"), v4("198.18.99.5"), TestPackets.PROTO_UDP,
                    TestPackets.udp(7777, 9, new byte[4]));
            assertTrue(tun.write(packet, 0, packet.length), "the same queue writes into the new device");
        }
    }

    @Test
    @DisplayName("rtnetlink reports address and link changes in the namespace it was opened in")
    void shouldReportLinkAndAddressChangesThroughRtnetlink() {
        try (LinuxRouteEvents events = NetNamespace.call(ns.name, LinuxRouteEvents::open)) {
            assertFalse(events.await(0), "nothing changed yet");
            ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.9/32", "dev", "lo");
            assertTrue(events.await(2000), "address added");
            assertFalse(events.await(0), "every notification was taken");
            ns.run("ip", "-n", ns.name, "link", "set", "lo", "mtu", "1400");
            assertTrue(events.await(2000), "link changed");
            ns.run("ip", "-n", ns.name, "addr", "del", "198.18.99.9/32", "dev", "lo");
            assertTrue(events.await(2000), "address deleted");
        } finally {
            ns.run("ip", "-n", ns.name, "link", "set", "lo", "mtu", "65536");
        }
    }

    @Test
    @DisplayName("routes, rules, addresses and link events through ip; failures name the command")
    void shouldManageRoutesRulesAndReportEvents() {
        try (LinuxTun tun = openTun("sptest3");
             LinuxUdpPort udp = NetNamespace.call(ns.name,
                     () -> LinuxUdpPort.bind(new InetSocketAddress(LOCAL, 0), false))) {
            assertTrue(control.addresses().contains(new HostAddress("sptest3", LOCAL, 30)));
            assertTrue(control.hasAddress(LOCAL));
            assertFalse(control.hasAddress(v4("192.0.2.77")));

            final Route route = Route.toDevice(IpPrefix.parse("198.18.100.0/24"), "sptest3").withSource(LOCAL);
            control.addRoute(route);
            final byte[] data = {1, 2, 3};
            assertTrue(udp.send(data, 0, data.length, new InetSocketAddress(v4("198.18.100.5"), 53)));
            final byte[] out = readIpv4(tun, TestPackets.PROTO_UDP);
            assertArrayEquals(new byte[] {(byte) 198, 18, 100, 5}, Arrays.copyOfRange(out, 16, 20));
            control.deleteRoute(route);
            final HostNetworkException again = assertThrows(HostNetworkException.class,
                    () -> control.deleteRoute(route));
            assertTrue(again.getMessage().contains("route del 198.18.100.0/24"), again.getMessage());

            final Route inTable = route.inTable(1042);
            final PolicyRule rule = new PolicyRule(1042, Optional.of(IpPrefix.parse("198.18.101.0/24")),
                    Optional.empty(), Optional.empty(), 1042);
            control.addRoute(inTable);
            control.addRule(rule);
            control.deleteRule(rule);
            control.deleteRoute(inTable);

            assertTrue(control.pollEvents().isEmpty(), "the first poll takes the baseline");
            control.setLinkUp("sptest3", false);
            final List<NetworkEvent> down = control.pollEvents();
            assertTrue(down.contains(new NetworkEvent.LinkDown("sptest3")), down.toString());
            control.setLinkUp("sptest3", true);
            assertTrue(control.pollEvents().contains(new NetworkEvent.LinkUp("sptest3")));
        }
    }

    @Test
    @DisplayName("a VRF is created and deleted, or the kernel's refusal is reported with the command")
    void shouldCreateVrfOrExplain() {
        try {
            control.createVrf("spvrf0", 1099);
        } catch (final HostNetworkException e) {
            assertTrue(e.getMessage().contains("link add spvrf0 type vrf table 1099"), e.getMessage());
            assertTrue(e.getMessage().contains("exit"), e.getMessage());
            return;
        }
        assertTrue(control.links().stream().anyMatch(l -> l.name().equals("spvrf0") && l.up()));
        control.deleteLink("spvrf0");
        assertFalse(control.links().stream().anyMatch(l -> l.name().equals("spvrf0")));
    }

    @Test
    @DisplayName("a bad device name is refused before any system call")
    void shouldRefuseBadDeviceName() {
        assertThrows(IllegalArgumentException.class, () -> LinuxTun.open("ms-1/2/0.1", 1400));
        assertThrows(IllegalArgumentException.class, () -> LinuxTun.open("sptest9", 20));
        assertFalse(control.links().stream().anyMatch(l -> l.name().equals("sptest9")), "no device was made");
    }
}
