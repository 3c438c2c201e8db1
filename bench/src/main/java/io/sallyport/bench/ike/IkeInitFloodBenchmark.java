package io.sallyport.bench.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
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
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one spoofed IKE_SA_INIT request from a configured peer's address costs the responder
 * (issue 15, finding 1): {@code ke=invalid} carries a zero KE value, {@code ke=valid} a real one.
 * Rate limits are lifted so every request is processed; past the COOKIE threshold valid requests
 * are answered statelessly, which is where a spoofed flood settles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class IkeInitFloodBenchmark {

    @Param({"14", "21"})
    public int group;

    @Param({"invalid", "valid"})
    public String ke;

    private Kmd responder;
    private byte[] template;
    private InetSocketAddress local;
    private InetSocketAddress remote;
    private long spi = 1;
    private long now = 1_000_000_000L;

    @Setup
    public void setup() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        DhGroup g = DhGroup.fromNumber(group).orElseThrow();
        IkeProposal ike = new IkeProposal(EncryptionAlgorithm.AES_256_GCM, null, PrfAlgorithm.HMAC_SHA2_256, g, 28800);
        ChildProposal child = new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, null, 3600);
        var tsA = List.of(TrafficSelector.ofPrefix("198.18.1.0", 24));
        var tsB = List.of(TrafficSelector.ofPrefix("198.18.2.0", 24));
        var psk = PskAuthenticator.ascii("bench-psk");
        var forA = new PeerConfig("b", a, b, Identity.ipv4("192.0.2.1"), Identity.ipv4("192.0.2.2"), psk, List.of(ike),
                List.of(child), tsA, tsB, PeerConfig.Dpd.off(), true, false);
        var forB = new PeerConfig("a", b, a, Identity.ipv4("192.0.2.2"), Identity.ipv4("192.0.2.1"), psk, List.of(ike),
                List.of(child), tsB, tsA, PeerConfig.Dpd.off(), true, false);
        Kmd initiator = new Kmd(SecureRandom::new);
        initiator.command(now, new Command.AddPeer(forA));
        Datagram init = initiator.command(now, new Command.Initiate("b")).stream()
                .filter(x -> x instanceof Action.Send).map(x -> ((Action.Send) x).datagram()).findFirst().orElseThrow();
        template = init.payload();
        if (ke.equals("invalid")) {
            var m = ((DecodeResult.Ok) MessageCodec.decodePlain(template)).message();
            List<Payload> zeroKe = m.payloads().stream()
                    .map(p -> p instanceof Payload.Ke k ? new Payload.Ke(k.group(), new byte[k.data().length]) : p).toList();
            template = MessageCodec.encode(m.header(), zeroKe);
        }
        local = init.remote();
        remote = init.local();
        var d = KmdOptions.Limits.defaults();
        var unlimited = new KmdOptions.Limits(Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2,
                Integer.MAX_VALUE / 2, d.sourceTableSize(), d.maxHalfOpen(), d.maxHalfOpenPerSource(), d.maxInitRequestBytes(),
                d.maxReassemblyPerSa(), d.maxReassemblyTotal(), d.maxChildSasPerIkeSa(), d.ephemeralReuseNanos(),
                d.cookieSecretNanos(), d.rekeyRetryBaseNanos(), d.rekeyRetryMaxNanos());
        responder = new Kmd(KmdOptions.defaults().withLimits(unlimited), SecureRandom::new);
        responder.command(now, new Command.AddPeer(forB));
    }

    /** One request with a fresh initiator SPI; returns the number of actions (the answer). */
    @Benchmark
    public int handleInitRequest() {
        byte[] p = template.clone();
        long s = spi++;
        for (int i = 0; i < 8; i++) {
            p[i] = (byte) (s >>> (56 - 8 * i));
        }
        now += 1_000;
        return responder.handle(now, new Datagram(local, remote, p, false)).size();
    }
}
