package io.sallyport.bench.ike;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether kmd's cost per IKEv2 setup grows with its SA table (issue 12): two kmd engines in one
 * thread, a responder with a dynamic-peer template (any address) and an initiator with one peer
 * per source address, bring up {@code total} IKE SAs (IKE_SA_INIT + IKE_AUTH with one child, PSK,
 * group 14, no PFS) one after the other and keep them all; each datagram is followed by both
 * engines' {@code nextDeadline}, as the gateway's adapter does. Prints setups per second for each
 * batch of {@code batch} setups, so a table that costs O(SAs) per setup shows as a falling rate.
 * Simulated time advances 10 ms per setup (within kmd's admission limits, far from any lifetime).
 *
 * <p>Needs only kmd's public API, so the one source file runs against any build's jar:
 * <pre>
 * java -cp app/target/sallyport.jar bench/src/main/java/io/sallyport/bench/ike/SaTableGrowth.java 8000 1000
 * </pre>
 */
public final class SaTableGrowth {

    private SaTableGrowth() {
    }

    public static void main(String[] args) throws UnknownHostException, NoSuchAlgorithmException {
        int total = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        if (total < 1 || total > 60_000 || batch < 1) {
            throw new IllegalArgumentException("usage: SaTableGrowth TOTAL(1..60000) BATCH");
        }
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(1);
        InetAddress responder = InetAddress.ofLiteral("192.0.2.2");
        IkeProposal ike = IkeProposal.aes256Sha256Group14();
        ChildProposal child = new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, null, 3600);
        var psk = PskAuthenticator.ascii("bench-psk");
        Kmd initiators = new Kmd(() -> random);
        Kmd gateway = new Kmd(() -> random);
        long now = 1_000_000_000L;
        gateway.command(now, new Command.AddPeer(new PeerConfig("t", responder, InetAddress.ofLiteral("0.0.0.0"),
                Identity.ipv4("192.0.2.2"), null, psk, List.of(ike), List.of(child),
                List.of(TrafficSelector.ofPrefix("203.0.113.0", 24)), List.of(TrafficSelector.ofPrefix("198.19.0.0", 16)),
                PeerConfig.Dpd.off(), true, false)));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            InetAddress a = InetAddress.ofLiteral("198.18." + (1 + i / 250) + "." + (1 + i % 250));
            String inner = "198.19." + (i / 250) + "." + (1 + i % 250);
            PeerConfig p = new PeerConfig("p" + i, a, responder, Identity.ipv4(a.getHostAddress()), Identity.ipv4("192.0.2.2"),
                    psk, List.of(ike), List.of(child), List.of(TrafficSelector.ofPrefix(inner, 32)),
                    List.of(TrafficSelector.ofPrefix("203.0.113.0", 24)), PeerConfig.Dpd.off(), true, false);
            initiators.command(now, new Command.AddPeer(p));
            names.add(p.name());
        }
        for (int start = 0; start < total; start += batch) {
            int end = Math.min(total, start + batch);
            int installed = 0;
            long t0 = System.nanoTime();
            for (int i = start; i < end; i++) {
                now += 10_000_000L;
                var wire = new ArrayDeque<Datagram>();
                installed += IkeHandshakeBenchmark.collect(initiators.command(now, new Command.Initiate(names.get(i))), wire);
                Datagram d;
                while ((d = wire.poll()) != null) {
                    now += 1000;
                    Datagram in = new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker());
                    installed += IkeHandshakeBenchmark.collect(in.local().getAddress().equals(responder) ? gateway.handle(now, in) : initiators.handle(now, in), wire);
                    initiators.nextDeadline();
                    gateway.nextDeadline();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("SAs %5d-%5d: %4.0f setups/s (%d of %d child SAs installed)%n", start, end, (end - start) / seconds,
                    installed, 2 * (end - start));
        }
    }
}
