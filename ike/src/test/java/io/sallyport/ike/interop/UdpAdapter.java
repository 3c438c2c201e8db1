package io.sallyport.ike.interop;

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
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.TrafficSelector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A tiny test-only UDP adapter around {@link Kmd}, run as its own process inside the gw-a
 * namespace. It binds UDP 500 and 4500, strips/adds the non-ESP marker, and speaks a line
 * protocol: commands on stdin ({@code initiate}, {@code delete-ike}, {@code delete-child},
 * {@code rekey-child}, {@code rekey-ike}, {@code quit}); one line per action on stdout
 * ({@code UP ...}, {@code DOWN reason}, {@code INSTALL ...}, {@code DELETE ...}, {@code TRACE ...}).
 *
 * <p>Arguments: localAddress remoteAddress psk ikeProposal(aes256-sha256-modp2048|aes128-sha1-modp1024)
 * childProposal(aes128gcm16-modp2048|aes256-sha256-modp2048) establish(now|wait) [maxDatagram [IKEV2|MAIN]]
 */
public final class UdpAdapter {

    private static final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) throws IOException {
        InetAddress local = InetAddress.getByName(args[0]);
        InetAddress remote = InetAddress.getByName(args[1]);
        PeerConfig peer = new PeerConfig("gw-b", local, remote, Identity.ipv4(args[0]), Identity.ipv4(args[1]),
                PskAuthenticator.ascii(args[2]), List.of(ike(args[3])), List.of(child(args[4])),
                List.of(TrafficSelector.ofPrefix("198.18.1.0", 24)), List.of(TrafficSelector.ofPrefix("198.18.2.0", 24)),
                PeerConfig.Dpd.off(), true, args[5].equals("now"), 0,
                args.length > 7 ? PeerConfig.Exchange.valueOf(args[7]) : PeerConfig.Exchange.IKEV2);
        var defaults = KmdOptions.defaults();
        int maxDatagram = args.length > 6 ? Integer.parseInt(args[6]) : defaults.maxDatagram();
        Kmd kmd = new Kmd(new KmdOptions(defaults.retransmitBaseNanos(), defaults.retransmitTries(), defaults.halfOpenTimeoutNanos(),
                defaults.cookieThreshold(), defaults.keepaliveNanos(), defaults.lifetimeJitter(), maxDatagram,
                defaults.reconnectNanos()), SecureRandom::new);
        try (Selector sel = Selector.open();
             DatagramChannel c500 = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel c4500 = DatagramChannel.open(StandardProtocolFamily.INET)) {
            c500.bind(new InetSocketAddress(local, 500)).configureBlocking(false).register(sel, SelectionKey.OP_READ);
            c4500.bind(new InetSocketAddress(local, 4500)).configureBlocking(false).register(sel, SelectionKey.OP_READ);
            Thread stdin = new Thread(() -> readCommands(sel), "stdin");
            stdin.setDaemon(true);
            stdin.start();
            System.out.println("READY");
            System.out.flush();
            perform(kmd.command(System.nanoTime(), new Command.AddPeer(peer)), c500, c4500);
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (true) {
                long now = System.nanoTime();
                long wait = kmd.nextDeadline().isPresent() ? Math.max(1, (kmd.nextDeadline().getAsLong() - now) / 1_000_000) : 1000;
                sel.select(Math.min(wait, 1000));
                sel.selectedKeys().clear();
                for (DatagramChannel ch : List.of(c500, c4500)) {
                    InetSocketAddress from;
                    while ((from = (InetSocketAddress) ch.receive(buf.clear())) != null) {
                        byte[] data = Arrays.copyOf(buf.array(), buf.position());
                        boolean natPort = ch == c4500;
                        if (natPort) {
                            if (data.length >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 0) {
                                data = Arrays.copyOfRange(data, 4, data.length);
                            } else if (!Datagram.isKeepalive(data)) {
                                continue; // ESP in UDP: this adapter has no data plane
                            }
                        }
                        var local4 = new InetSocketAddress(local, natPort ? 4500 : 500);
                        perform(kmd.handle(System.nanoTime(), new Datagram(local4, from, data, natPort)), c500, c4500);
                    }
                }
                String cmd;
                while ((cmd = commands.poll()) != null) {
                    if (cmd.equals("quit")) {
                        return;
                    }
                    perform(command(kmd, cmd), c500, c4500);
                }
                perform(kmd.tick(System.nanoTime()), c500, c4500);
            }
        }
    }

    private static List<Action> command(Kmd kmd, String cmd) {
        var sas = kmd.ikeSas();
        long now = System.nanoTime();
        return switch (cmd) {
            case "initiate" -> kmd.command(now, new Command.Initiate("gw-b"));
            case "delete-ike" -> kmd.command(now, new Command.DeleteIkeSa("gw-b"));
            case "rekey-ike" -> kmd.command(now, new Command.RekeyIkeSa("gw-b"));
            case "delete-child", "rekey-child" -> {
                int spi = sas.stream().flatMap(s -> s.childSpisIn().stream()).findFirst().orElse(0);
                yield kmd.command(now, cmd.equals("delete-child") ? new Command.DeleteChildSa(spi) : new Command.RekeyChildSa(spi));
            }
            default -> List.of();
        };
    }

    private static void readCommands(Selector sel) {
        try (var in = new BufferedReader(new InputStreamReader(System.in))) {
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line.trim());
                sel.wakeup();
            }
        } catch (IOException e) {
            commands.add("quit");
        }
        commands.add("quit");
        sel.wakeup();
    }

    private static void perform(List<Action> actions, DatagramChannel c500, DatagramChannel c4500) throws IOException {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> {
                    Datagram d = s.datagram();
                    byte[] p = d.nonEspMarker() ? concat(new byte[4], d.payload()) : d.payload();
                    (d.local().getPort() == 4500 ? c4500 : c500).send(ByteBuffer.wrap(p), d.remote());
                }
                case Action.InstallChildSa i -> System.out.printf("INSTALL %08x %08x %s encap=%s ts=%s<->%s%n", i.spiIn(), i.spiOut(),
                        i.encryption().keyword(), i.udpEncapsulation(), i.localSelectors(), i.remoteSelectors());
                case Action.SwitchOutbound w -> System.out.printf("SWITCH %08x %08x%n", w.spiIn(), w.spiOut());
                case Action.ChildSaMoved m -> System.out.printf("MOVED %08x %08x %s%n", m.spiIn(), m.spiOut(), m.remote());
                case Action.DeleteChildSa d -> System.out.printf("DELETE %08x %08x %s%n", d.spiIn(), d.spiOut(), d.reason());
                case Action.IkeSaUp u -> System.out.printf("UP %s initiator=%s nat=%s %s%n", u.ikeSa(), u.initiator(), u.natDetected(), u.remote());
                case Action.IkeSaDown d -> System.out.printf("DOWN %s %s%n", d.ikeSa(), d.reason());
                case Action.ChildRefused r -> System.out.printf("REFUSED %s %s%n", r.ikeSa(), r.reason());
                case Action.Trace t -> System.out.printf("TRACE %s %s %s%n", t.flag(), t.level(), t.text());
            }
        }
        System.out.flush();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static IkeProposal ike(String s) {
        return switch (s) {
            case "aes256-sha256-modp2048" -> IkeProposal.aes256Sha256Group14();
            case "aes128-sha1-modp1024" -> new IkeProposal(EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA1_96,
                    PrfAlgorithm.HMAC_SHA1, DhGroup.GROUP2, 28800);
            case "aes128gcm16-prfsha256-ecp256" -> new IkeProposal(EncryptionAlgorithm.AES_128_GCM, null,
                    PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP19, 28800);
            default -> throw new IllegalArgumentException("unknown IKE proposal " + s);
        };
    }

    static ChildProposal child(String s) {
        return switch (s) {
            case "aes128gcm16-modp2048" -> new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 3600);
            case "aes256-sha256-modp2048" -> new ChildProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                    DhGroup.GROUP14, 3600);
            case "3des-md5" -> new ChildProposal(EncryptionAlgorithm.TRIPLE_DES_CBC, IntegrityAlgorithm.HMAC_MD5_96, null, 3600);
            default -> throw new IllegalArgumentException("unknown child proposal " + s);
        };
    }
}
