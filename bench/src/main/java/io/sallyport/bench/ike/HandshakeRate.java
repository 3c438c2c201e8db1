package io.sallyport.bench.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.TrafficSelector;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Handshake load generator (issue 12): one kmd engine holding one IKEv2 initiator per source
 * address, each with its own UDP sockets on ports 500 and 4500 (NAT-T on: strongSwan's kernel-libipsec
 * installs only UDP-encapsulated ESP, so its responder fakes a NAT and both move to 4500), brings up IKE SAs (IKE_SA_INIT + IKE_AUTH
 * with one child, PSK, no PFS) against one responder, at most {@code window} handshakes in flight.
 * Initiator {@code i} is {@code first + i}, identity its address, protecting the one address
 * {@code 198.19.x.y} with the same low 16 bits, towards 203.0.113.0/24 behind the responder.
 * The first {@code warmup} initiators run before the clock starts (the responder's JIT or caches
 * warm up); the rest are timed, and the responder's CPU time ({@code /proc/PID/stat}) over the same
 * interval is read when a PID is given (its own and, apart, that of the child processes it ran), and the
 * generator's own. Prints one line starting with {@code RESULT}.
 *
 * <pre>
 * java -cp benchmarks.jar io.sallyport.bench.ike.HandshakeRate --responder 198.18.0.1 \
 *     --first 198.18.1.0 --count 400 --warmup 100 --window 16 --group 14 --psk KEY [--pid PID]
 * </pre>
 */
public final class HandshakeRate {

    /** What one run is told. */
    record Options(InetAddress responder, InetAddress first, int count, int warmup, int window, DhGroup group,
                   String psk, long pid, long timeoutSeconds) {

        static Options parse(String[] args) throws IOException {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value at " + args[i]);
                m.put(args[i].substring(2), args[i + 1]);
            }
            if (args.length % 2 != 0) throw new IllegalArgumentException("option without value: " + args[args.length - 1]);
            int group = Integer.parseInt(m.getOrDefault("group", "14"));
            return new Options(InetAddress.getByName(required(m, "responder")), InetAddress.getByName(required(m, "first")),
                    Integer.parseInt(m.getOrDefault("count", "100")), Integer.parseInt(m.getOrDefault("warmup", "0")),
                    Integer.parseInt(m.getOrDefault("window", "16")),
                    switch (group) {
                        case 14 -> DhGroup.GROUP14;
                        case 19 -> DhGroup.GROUP19;
                        default -> throw new IllegalArgumentException("group 14 or 19, not " + group);
                    },
                    required(m, "psk"), Long.parseLong(m.getOrDefault("pid", "0")),
                    Long.parseLong(m.getOrDefault("timeout", "300")));
        }

        private static String required(Map<String, String> m, String name) {
            String v = m.get(name);
            if (v == null) throw new IllegalArgumentException("--" + name + " is required");
            return v;
        }
    }

    /** What one run measured: the timed handshakes only. */
    record Result(int succeeded, int failed, double seconds, double responderCpuSeconds, double childrenCpuSeconds,
                  double generatorCpuSeconds) {
        double rate() { return succeeded / seconds; }

        String line(DhGroup group) {
            return String.format(java.util.Locale.ROOT,
                    "RESULT group=%d handshakes=%d failed=%d seconds=%.3f rate=%.1f responder_cpu_s=%.2f responder_cpu_pct=%.0f responder_cpu_ms_per_setup=%.2f children_cpu_ms_per_setup=%.2f generator_cpu_pct=%.0f",
                    group.number(), succeeded, failed, seconds, rate(), responderCpuSeconds,
                    seconds > 0 ? 100 * responderCpuSeconds / seconds : 0, succeeded > 0 ? 1000 * responderCpuSeconds / succeeded : 0,
                    succeeded > 0 ? 1000 * childrenCpuSeconds / succeeded : 0,
                    seconds > 0 ? 100 * generatorCpuSeconds / seconds : 0);
        }
    }

    private final Options options;
    private final Kmd kmd = new Kmd(SecureRandom::new);
    private final Selector selector;
    private final Map<InetSocketAddress, DatagramChannel> sockets = new HashMap<>();
    private final List<PeerConfig> peers = new ArrayList<>();
    private final Set<String> inFlight = new HashSet<>();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(65_536);
    private int succeeded;
    private int failed;

    private HandshakeRate(Options options) throws IOException {
        this.options = options;
        this.selector = Selector.open();
        IkeProposal ike = new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                PrfAlgorithm.HMAC_SHA2_256, options.group(), 28800);
        ChildProposal child = new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, null, 3600);
        var behindResponder = List.of(TrafficSelector.ofPrefix("203.0.113.0", 24));
        byte[] base = options.first().getAddress();
        int firstValue = ((base[0] & 0xff) << 24) | ((base[1] & 0xff) << 16) | ((base[2] & 0xff) << 8) | (base[3] & 0xff);
        for (int i = 0; i < options.count(); i++) {
            int v = firstValue + i;
            InetAddress local = Inet4Address.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
            String protectedHost = "198.19." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
            PeerConfig peer = new PeerConfig("i" + i, local, options.responder(), Identity.ipv4(local.getHostAddress()),
                    Identity.ipv4(options.responder().getHostAddress()), PskAuthenticator.ascii(options.psk()), List.of(ike),
                    List.of(child), List.of(TrafficSelector.ofPrefix(protectedHost, 32)), behindResponder,
                    PeerConfig.Dpd.off(), true, false, 0);
            peers.add(peer);
            kmd.command(System.nanoTime(), new Command.AddPeer(peer));
            for (int port : new int[] {500, 4500}) {
                InetSocketAddress at = new InetSocketAddress(local, port);
                DatagramChannel socket = DatagramChannel.open(StandardProtocolFamily.INET);
                socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                socket.bind(at);
                socket.configureBlocking(false);
                socket.register(selector, SelectionKey.OP_READ, at);
                sockets.put(at, socket);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        HandshakeRate run = new HandshakeRate(options);
        run.runBatch(0, options.warmup());
        int warmFailures = run.failed;
        run.succeeded = 0;
        run.failed = 0;
        long self = ProcessHandle.current().pid();
        double cpuBefore = cpuSeconds(options.pid());
        double childrenBefore = childrenCpuSeconds(options.pid());
        double ownBefore = cpuSeconds(self);
        long start = System.nanoTime();
        run.runBatch(options.warmup(), options.count());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = cpuSeconds(options.pid()) - cpuBefore;
        double children = childrenCpuSeconds(options.pid()) - childrenBefore;
        double own = cpuSeconds(self) - ownBefore;
        if (warmFailures > 0) System.out.println("warm-up: " + warmFailures + " handshakes failed");
        System.out.println(new Result(run.succeeded, run.failed, seconds, cpu, children, own).line(options.group()));
        System.exit(run.failed == 0 ? 0 : 1);
    }

    /** Initiators [from, to), at most window at once, until each is up or has failed. */
    private void runBatch(int from, int to) throws IOException {
        int next = from;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        while (next < to || !inFlight.isEmpty()) {
            while (next < to && inFlight.size() < options.window()) {
                String name = peers.get(next++).name();
                inFlight.add(name);
                perform(kmd.command(System.nanoTime(), new Command.Initiate(name)));
            }
            long now = System.nanoTime();
            if (now > deadline) {
                failed += inFlight.size();
                System.out.println("timed out with " + inFlight.size() + " handshakes in flight");
                inFlight.clear();
                return;
            }
            long wait = kmd.nextDeadline().isPresent() ? kmd.nextDeadline().getAsLong() - now : TimeUnit.MILLISECONDS.toNanos(100);
            if (wait > 0) {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
            } else {
                selector.selectNow();
            }
            for (SelectionKey key : selector.selectedKeys()) {
                receiveAll((DatagramChannel) key.channel(), (InetSocketAddress) key.attachment());
            }
            selector.selectedKeys().clear();
            perform(kmd.tick(System.nanoTime()));
        }
    }

    /** Everything waiting on one socket; on 4500 only IKE (behind the non-ESP marker) goes to kmd. */
    private void receiveAll(DatagramChannel socket, InetSocketAddress local) throws IOException {
        boolean natT = local.getPort() == 4500;
        InetSocketAddress from;
        while ((from = (InetSocketAddress) socket.receive(receiveBuffer.clear())) != null) {
            receiveBuffer.flip();
            if (natT && (receiveBuffer.remaining() < 4 || receiveBuffer.getInt() != 0)) continue;
            byte[] payload = new byte[receiveBuffer.remaining()];
            receiveBuffer.get(payload);
            perform(kmd.handle(System.nanoTime(), new Datagram(local, from, payload, natT)));
        }
    }

    private void perform(List<Action> actions) throws IOException {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> {
                    Datagram d = s.datagram();
                    DatagramChannel socket = sockets.get(d.local());
                    if (socket == null) throw new IllegalStateException("send from an address or port without socket: " + d.local());
                    ByteBuffer out = ByteBuffer.allocate(d.payload().length + (d.nonEspMarker() ? 4 : 0));
                    if (d.nonEspMarker()) out.putInt(0);
                    socket.send(out.put(d.payload()).flip(), d.remote());
                }
                case Action.InstallChildSa c -> {
                    if (inFlight.remove(c.peer())) succeeded++;
                }
                case Action.IkeSaDown d -> {
                    if (inFlight.remove(d.peer())) {
                        failed++;
                        System.out.println("failed: " + d.peer() + ": " + d.reason());
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * utime + stime of PID in seconds, 0 without a PID (fields 14 and 15 of /proc/PID/stat, after the
     * command name; in clock ticks of USER_HZ, 100 on Linux).
     */
    static double cpuSeconds(long pid) throws IOException {
        return statTicks(pid, 11) / 100.0;
    }

    /**
     * cutime + cstime of PID in seconds (fields 16 and 17): the CPU of its child processes it
     * waited for, such as the responder's {@code ip} commands, which utime + stime leave out.
     */
    static double childrenCpuSeconds(long pid) throws IOException {
        return statTicks(pid, 13) / 100.0;
    }

    /** The sum of two adjacent fields of /proc/PID/stat, counted from the one after the command name; 0 without a PID. */
    private static long statTicks(long pid, int first) throws IOException {
        if (pid <= 0) return 0;
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[first]) + Long.parseLong(f[first + 1]);
    }
}
