package io.sallyport.net.linux;

import io.sallyport.net.SendBatch;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A by-hand measurement, not a test: the sending thread's CPU time per plain ESP packet, from a
 * protocol-50 sender ({@link LinuxRawEspPort#openSender}: the kernel builds the outer header) and
 * from an IPPROTO_RAW sender ({@link LinuxRawEspPort#openHeaderSender}: the packet brings it), in
 * batches of 64 through {@code sendmmsg}, in a namespace of its own. Two destinations:
 * {@code tun} (routed into a TUN device nobody reads, whose queue drops it: the send path alone) and
 * {@code local} (the namespace's own address over loopback with a protocol-50 receiver that is
 * never read: the receive path to the raw sockets runs in the sender's system call too, and every
 * protocol-50 socket costs a clone). The two senders alternate in rounds, so drift hits both. Run
 * as root: {@code java --enable-native-access=ALL-UNNAMED -cp
 * target/classes:target/test-classes:../packet/target/classes io.sallyport.net.linux.RawEspSendCost
 * [rounds] [packetsPerRound] [espBytes]}.
 */
public final class RawEspSendCost {

    private static final int BATCH = 64;

    private RawEspSendCost() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int packets = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        final int espBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1418;
        if (RootNamespace.whyUnavailable() != null) {
            System.err.println("RawEspSendCost " + RootNamespace.whyUnavailable());
            System.exit(3);
        }
        final Inet4Address local = (Inet4Address) InetAddress.getByName("198.18.99.1");
        final Inet4Address far = (Inet4Address) InetAddress.getByName("198.18.99.2");
        try (RootNamespace ns = RootNamespace.named("rawcost").create()) {
            final LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.open("spbench1", 1500));
            ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.1/24", "dev", "spbench1");
            ns.run("ip", "-n", ns.name, "link", "set", "lo", "up");
            final LinuxRawEspPort receiver = NetNamespace.call(ns.name, () -> LinuxRawEspPort.open(local));
            final LinuxRawEspPort classic = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openSender(local));
            final LinuxRawEspPort header = NetNamespace.call(ns.name, () -> LinuxRawEspPort.openHeaderSender(local));
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (final Inet4Address to : new Inet4Address[] {far, local}) {
                final String where = to == far ? "tun" : "local";
                final byte[] esp = new byte[espBytes];
                final byte[] whole = TestPackets.ipv4(local, to, TestPackets.PROTO_ESP, esp);
                final InetSocketAddress destination = new InetSocketAddress(to, 0);
                final SendBatch classicBatch = classic.newSendBatch();
                final SendBatch headerBatch = header.newSendBatch();
                for (int r = 0; r <= rounds; r++) {
                    final double c = nanosPerPacket(threads, classicBatch, esp, destination, packets);
                    final double h = nanosPerPacket(threads, headerBatch, whole, destination, packets);
                    if (r > 0) { // round 0 warms up the JIT and the kernel's caches
                        System.out.printf("%s round %d: protocol-50 sender %.0f ns/packet, IPPROTO_RAW sender %.0f ns/packet (%.1f%%)%n",
                                where, r, c, h, 100 * (h - c) / c);
                    }
                }
            }
            receiver.close();
            tun.close();
            classic.close();
            header.close();
        }
    }

    private static double nanosPerPacket(final ThreadMXBean threads, final SendBatch batch, final byte[] datagram,
                                         final InetSocketAddress destination, final int packets) {
        final long start = threads.getCurrentThreadCpuTime();
        for (int sent = 0; sent < packets; sent += BATCH) {
            for (int i = 0; i < BATCH; i++) {
                batch.add(datagram, 0, datagram.length, destination);
            }
            batch.flush();
        }
        return (threads.getCurrentThreadCpuTime() - start) / (double) packets;
    }
}
