package io.sallyport.net.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A by-hand measurement, not a test: TUN write and read packets per second through the FFM
 * adapter, in a namespace of its own. Run as root:
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes
 * io.sallyport.net.linux.TunThroughput [seconds] [payloadBytes]}.
 */
public final class TunThroughput {

    private TunThroughput() {
    }

    public static void main(final String[] args) throws Exception {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        final int payload = args.length > 1 ? Integer.parseInt(args[1]) : 1372;
        final Inet4Address local = (Inet4Address) InetAddress.getByName("198.18.99.1");
        final Inet4Address far = (Inet4Address) InetAddress.getByName("198.18.99.2");
        if (RootNamespace.whyUnavailable() != null) {
            System.err.println("TunThroughput " + RootNamespace.whyUnavailable());
            System.exit(3);
        }
        try (RootNamespace ns = RootNamespace.named("tunput").create()) {
            final LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.open("spbench0", 1500));
            ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.1/30", "dev", "spbench0");
            final LinuxUdpPort sink = NetNamespace.call(ns.name,
                    () -> LinuxUdpPort.bind(new InetSocketAddress(local, 5001), false, 4096));
            // 1. TUN write: host-bound UDP packets injected into the kernel; the sink never reads,
            //    so the kernel runs the whole receive path and then drops on a full socket buffer.
            final byte[] packet = TestPackets.ipv4(far, local, TestPackets.PROTO_UDP,
                    TestPackets.udp(6000, 5001, new byte[payload]));
            long written = 0;
            long failed = 0;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            final long writeStart = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1000; i++) {
                    if (tun.write(packet, 0, packet.length)) {
                        written++;
                    } else {
                        failed++;
                    }
                }
            }
            final double writeSecs = (System.nanoTime() - writeStart) / 1e9;
            System.out.printf("TUN write: %d packets of %d B in %.2f s = %.0f pps (%d refused)%n",
                    written, packet.length, writeSecs, written / writeSecs, failed);

            // 2. TUN read: a sender thread blasts UDP routed into the TUN; this thread reads.
            final LinuxUdpPort sender = NetNamespace.call(ns.name,
                    () -> LinuxUdpPort.bind(new InetSocketAddress(local, 0), false));
            final AtomicBoolean running = new AtomicBoolean(true);
            final long[] sent = {0};
            final Thread blaster = Thread.ofPlatform().start(() -> {
                final byte[] b = new byte[payload];
                final InetSocketAddress to = new InetSocketAddress(far, 9);
                while (running.get()) {
                    if (sender.send(b, 0, b.length, to)) {
                        sent[0]++;
                    }
                }
            });
            final byte[] buf = new byte[2048];
            long read = 0;
            end = System.nanoTime() + seconds * 1_000_000_000L;
            final long readStart = System.nanoTime();
            while (System.nanoTime() < end) {
                if (tun.read(buf, 0, buf.length) > 0) {
                    read++;
                } else {
                    tun.awaitReadable(10);
                }
            }
            final double readSecs = (System.nanoTime() - readStart) / 1e9;
            running.set(false);
            blaster.join();
            System.out.printf("TUN read:  %d packets in %.2f s = %.0f pps (sender sent %d)%n",
                    read, readSecs, read / readSecs, sent[0]);
            tun.close();
            sender.close();
            sink.close();
        }
    }
}
