package io.sallyport.bench.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.gateway.pki.CertificateAuthenticator;
import io.sallyport.ike.Action;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.TrustedCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
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
 * Complete handshakes per second between two kmd engines in one JVM, single thread, for DH group
 * 14 (MODP-2048, AES-256-CBC/HMAC-SHA-256) and group 19 (ECP-256; AES-128-GCM for IKEv2,
 * AES-128-CBC/HMAC-SHA-256 for IKEv1, which has no GCM for IKE). {@code mode} is the exchange and
 * the authentication: {@code IKEV2-psk}, {@code IKEV2-rsa} / {@code IKEV2-ecdsa} (certificates:
 * RSA-2048 or P-256 end entities under an intermediate CA; each side signs once, validates the
 * peer's two-certificate chain with the JCA's PKIX validator and verifies one AUTH signature), or
 * {@code MAIN-psk} (IKEv1 main mode + quick mode without PFS; IKEv1 has no certificate
 * authentication yet). Each handshake does two key pair generations and two shared-secret
 * computations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IkeHandshakeBenchmark {

    @Param({"14", "19"})
    public int group;

    @Param({"IKEV2-psk", "IKEV2-rsa", "IKEV2-ecdsa", "MAIN-psk"})
    public String mode;

    private PeerConfig forA;
    private PeerConfig forB;
    private final SecureRandom random = new SecureRandom();
    private long now;

    @Setup
    public void setup() throws UnknownHostException {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        PeerConfig.Exchange ex = PeerConfig.Exchange.valueOf(mode.substring(0, mode.indexOf('-')));
        String auth = mode.substring(mode.indexOf('-') + 1);
        IkeProposal ike = group == 14 ? IkeProposal.aes256Sha256Group14()
                : ex.isIkev1() ? new IkeProposal(EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                        PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP19, 28800)
                : new IkeProposal(EncryptionAlgorithm.AES_128_GCM, null, PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP19, 28800);
        ChildProposal child = new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, null, 3600);
        var tsA = List.of(TrafficSelector.ofPrefix("198.18.1.0", 24));
        var tsB = List.of(TrafficSelector.ofPrefix("198.18.2.0", 24));
        Authenticator authA = PskAuthenticator.ascii("bench-psk");
        Authenticator authB = authA;
        Identity idA = Identity.ipv4("192.0.2.1");
        Identity idB = Identity.ipv4("192.0.2.2");
        if (!auth.equals("psk")) {
            String nameA = auth.equals("rsa") ? "gw" : "ec";
            String nameB = auth.equals("rsa") ? "revoked" : "ec";
            authA = certificates(nameA);
            authB = certificates(nameB);
            idA = Identity.fqdn(nameA + ".example.net");
            idB = Identity.fqdn(nameB + ".example.net");
        }
        forA = new PeerConfig("b", a, b, idA, auth.equals("psk") ? idB : null, authA, List.of(ike),
                List.of(child), tsA, tsB, PeerConfig.Dpd.off(), true, false).withExchange(ex);
        forB = new PeerConfig("a", b, a, idB, auth.equals("psk") ? idA : null, authB, List.of(ike),
                List.of(child), tsB, tsA, PeerConfig.Dpd.off(), true, false).withExchange(ex);
        if (IntegrityAlgorithm.HMAC_SHA_256_128.keySize() != 32) {
            throw new IllegalStateException("catalog changed");
        }
    }

    /** A certificate authenticator for NAME.pem/NAME.key (strongSwan-made vectors), trusting the root CA. */
    private static CertificateAuthenticator certificates(String name) {
        X509Certificate root = Credentials.certificate(resource("root.pem"));
        return new CertificateAuthenticator(name, Credentials.privateKey(resource(name + ".key"), null),
                List.of(Credentials.certificate(resource(name + ".pem")), Credentials.certificate(resource("inter.pem"))), true,
                List.of(TrustedCa.withoutRevocation("root", root)), List.of(),
                Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC));
    }

    private static byte[] resource(String name) {
        try (InputStream in = IkeHandshakeBenchmark.class.getResourceAsStream("/bench-pki/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One full handshake; returns the number of child SAs installed (2 when it worked). */
    @Benchmark
    public int handshake() {
        Kmd ka = new Kmd(() -> random);
        Kmd kb = new Kmd(() -> random);
        ka.command(now, new Command.AddPeer(forA));
        kb.command(now, new Command.AddPeer(forB));
        var wire = new ArrayDeque<Datagram>();
        int installed = collect(ka.command(now, new Command.Initiate("b")), wire);
        Datagram d;
        while ((d = wire.poll()) != null) {
            now += 1000;
            Datagram in = new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker());
            installed += collect(in.local().getAddress().equals(forA.localAddress()) ? ka.handle(now, in) : kb.handle(now, in), wire);
        }
        if (installed != 2) {
            throw new IllegalStateException("handshake did not complete");
        }
        return installed;
    }

    /** Queues the datagrams kmd sent; returns how many child SAs it installed (SaTableGrowth uses it too). */
    static int collect(List<Action> actions, ArrayDeque<Datagram> wire) {
        int installed = 0;
        for (Action x : actions) {
            if (x instanceof Action.Send s) {
                wire.add(s.datagram());
            } else if (x instanceof Action.InstallChildSa) {
                installed++;
            }
        }
        return installed;
    }
}
