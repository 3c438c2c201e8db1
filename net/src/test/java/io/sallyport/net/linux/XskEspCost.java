package io.sallyport.net.linux;

import io.sallyport.net.ReceiveBatch;
import io.sallyport.net.SendBatch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A by-hand measurement, not a test: CPU per plain ESP packet across a veth pair between two
 * namespaces of its own, sent and received, by the two paths a gateway could take. {@code raw}:
 * an IPPROTO_RAW sender ({@code sendmmsg}, batches of 64) to a protocol-50 receiver
 * ({@code recvmmsg}) on the far end: IP output, veth, the far IP input and the raw delivery.
 * {@code xsk}: an AF_XDP socket's TX ring on the near end, the ESP redirect program and an AF_XDP
 * socket's RX ring on the far end (copy mode: what veth offers). One thread sends a batch and then
 * drains it, so the receive softirq runs in its system calls and its CPU time holds nearly all of
 * the work; the machine's softirq time is printed beside it (/proc/stat, all CPUs: other load shows
 * there too). The paths alternate in rounds, so drift hits both. Run as root: {@code java
 * --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:../packet/target/classes
 * io.sallyport.net.linux.XskEspCost [rounds] [packetsPerRound] [espBytes] [native|generic]}
 * (the XDP mode asked for).
 */
public final class XskEspCost {

    private static final int BATCH = 64;
    private static final String DEV_A = "spxcosta";
    private static final String DEV_B = "spxcostb";

    private XskEspCost() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int packets = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        final int espBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1418;
        final XdpEspRedirect.Mode mode = args.length > 3 ? XdpEspRedirect.Mode.valueOf(args[3].toUpperCase(java.util.Locale.ROOT))
                : XdpEspRedirect.Mode.NATIVE;
        if (RootNamespace.whyUnavailable() != null) {
            System.err.println("XskEspCost " + RootNamespace.whyUnavailable());
            System.exit(3);
        }
        final Inet4Address addrA = (Inet4Address) InetAddress.getByName("198.18.78.1");
        final Inet4Address addrB = (Inet4Address) InetAddress.getByName("198.18.78.2");
        try (RootNamespace a = RootNamespace.named("xcosta").create();
             RootNamespace b = RootNamespace.named("xcostb").create()) {
            RootNamespace.joinByVeth(a, DEV_A, "198.18.78.1", b, DEV_B, 0, "198.18.78.2");
            final byte[] macA = a.mac(DEV_A);
            final byte[] macB = b.mac(DEV_B);
            // The neighbour entry, so the raw path does not wait on ARP.
            a.run("ip", "-n", a.name, "neigh", "replace", "198.18.78.2", "lladdr", HexFormat.ofDelimiter(":").formatHex(macB),
                    "dev", DEV_A, "nud", "permanent");

            final byte[] packet = TestPackets.ipv4(addrA, addrB, TestPackets.PROTO_ESP, new byte[espBytes]);
            final byte[] frame = new byte[14 + packet.length];
            System.arraycopy(macB, 0, frame, 0, 6);
            System.arraycopy(macA, 0, frame, 6, 6);
            frame[12] = 0x08;
            System.arraycopy(packet, 0, frame, 14, packet.length);

            final LinuxRawEspPort sender = NetNamespace.call(a.name, () -> LinuxRawEspPort.openHeaderSender(addrA));
            final LinuxRawEspPort receiver = NetNamespace.call(b.name, () -> LinuxRawEspPort.open(addrB, 4 << 20));
            final SendBatch sendBatch = sender.newSendBatch();
            final ReceiveBatch receiveBatch = receiver.newReceiveBatch();
            final InetSocketAddress destination = new InetSocketAddress(addrB, 0);
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final byte[] buf = new byte[4096];
            for (int r = 0; r <= rounds; r++) {
                // raw: no XDP program on either end.
                final long[] rawStart = sample(threads);
                long rawReceived = 0;
                for (int sent = 0; sent < packets; sent += BATCH) {
                    for (int i = 0; i < BATCH; i++) {
                        sendBatch.add(packet, 0, packet.length, destination);
                    }
                    sendBatch.flush();
                    for (int got = receiveBatch.receive(); got > 0; got = receiveBatch.receive()) {
                        for (int i = 0; i < got; i++) {
                            receiveBatch.copy(i, buf, 0, buf.length);
                        }
                        rawReceived += got;
                    }
                }
                final long[] rawEnd = sample(threads);

                final long[] xskStart;
                final long[] xskEnd;
                final long[] packetStart;
                final long[] packetEnd;
                long xskReceived = 0;
                long packetReceived = 0;
                try (XdpEspRedirect xdpA = NetNamespace.call(a.name, () -> XdpEspRedirect.attach(InterfaceIoctl.index(DEV_A), DEV_A, addrA, 1, mode));
                     XdpEspRedirect xdpB = NetNamespace.call(b.name, () -> XdpEspRedirect.attach(InterfaceIoctl.index(DEV_B), DEV_B, addrB, 1, mode));
                     XskSocket xskA = NetNamespace.call(a.name, () -> XskSocket.open(InterfaceIoctl.index(DEV_A), 0, 2048));
                     XskSocket xskB = NetNamespace.call(b.name, () -> XskSocket.open(InterfaceIoctl.index(DEV_B), 0, 2048));
                     LinuxFrameSender frames = NetNamespace.call(a.name, () -> LinuxFrameSender.open(InterfaceIoctl.index(DEV_A)))) {
                    xdpA.bind(0, xskA.fd());
                    xdpB.bind(0, xskB.fd());
                    xskStart = sample(threads);
                    for (int sent = 0; sent < packets; sent += BATCH) {
                        for (int i = 0; i < BATCH; i++) {
                            xskA.queue(frame, 0, frame.length);
                        }
                        xskA.flush();
                        while (xskB.receive(buf, 0, buf.length) >= 0) {
                            xskReceived++;
                        }
                    }
                    xskEnd = sample(threads);
                    // AF_PACKET sendmmsg on the near end instead of the TX ring.
                    packetStart = sample(threads);
                    for (int sent = 0; sent < packets; sent += BATCH) {
                        for (int i = 0; i < BATCH; i++) {
                            MemorySegment.copy(frame, 0, frames.slot(), ValueLayout.JAVA_BYTE, 0, frame.length);
                            frames.commit(frame.length);
                        }
                        frames.send();
                        while (xskB.receive(buf, 0, buf.length) >= 0) {
                            packetReceived++;
                        }
                    }
                    packetEnd = sample(threads);
                    if (r == 1) {
                        System.out.println("XDP mode: " + xdpB.mode());
                    }
                }
                if (r > 0) { // round 0 warms up the JIT and the kernel's caches
                    System.out.printf("round %d: raw %.0f ns/packet (softirq all CPUs %.0f ns/packet, received %d), "
                                    + "AF_XDP %.0f ns/packet (softirq %.0f ns/packet, received %d): %.1f%%%n",
                            r, per(rawEnd[0] - rawStart[0], packets), per(rawEnd[1] - rawStart[1], packets), rawReceived,
                            per(xskEnd[0] - xskStart[0], packets), per(xskEnd[1] - xskStart[1], packets), xskReceived,
                            100.0 * ((xskEnd[0] - xskStart[0]) - (rawEnd[0] - rawStart[0])) / (rawEnd[0] - rawStart[0]));
                    System.out.printf("round %d: AF_PACKET sendmmsg -> AF_XDP %.0f ns/packet (softirq %.0f ns/packet, received %d): %.1f%%%n",
                            r, per(packetEnd[0] - packetStart[0], packets), per(packetEnd[1] - packetStart[1], packets),
                            packetReceived, 100.0 * ((packetEnd[0] - packetStart[0]) - (rawEnd[0] - rawStart[0])) / (rawEnd[0] - rawStart[0]));
                }
            }
            sender.close();
            receiver.close();
        }
    }

    private static double per(final long nanos, final int packets) {
        return nanos / (double) packets;
    }

    /** This thread's CPU time, and the machine's softirq time (/proc/stat, in ns at USER_HZ 100). */
    private static long[] sample(final ThreadMXBean threads) throws Exception {
        final String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
        final String[] f = cpu.trim().split("\\s+");
        return new long[] {threads.getCurrentThreadCpuTime(), Long.parseLong(f[7]) * 10_000_000L};
    }
}
