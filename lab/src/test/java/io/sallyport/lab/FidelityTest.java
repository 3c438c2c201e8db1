package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Issue 9: what a Junos engineer configures behaves as the seed says, or says it does not. */
class FidelityTest {
    static final long SECOND = 1_000_000_000L;
    static final long MINUTE = 60 * SECOND;

    /** The ms-mpc example with each router configuration passed through {@code edit}. */
    static Lab msMpc(UnaryOperator<String> edit) throws LabException {
        Topology base = Topologies.example("ms-mpc");
        List<Topology.RouterSpec> routers = base.routers().stream()
                .map(r -> new Topology.RouterSpec(r.name(), r.configFile(), edit.apply(r.configText()), r.line()))
                .toList();
        return Lab.start(new Topology(base.source(), routers, base.hosts(), base.links()));
    }

    static InetAddress addr(String a) {
        return InetAddress.ofLiteral(a);
    }

    // ---------------------------------------------------------------- #6

    @Test
    void ikev1PolicyWarnsAtCommitAndNothingClaimsTheTunnelIsUp() throws Exception {
        try (Lab lab = msMpc(c -> c.replace("version 2;", ""))) {
            assertTrue(lab.warnings().stream().anyMatch(w -> w.contains("'policy ike-policy1'") && w.contains("IKEv1")),
                    () -> String.join("\n", lab.warnings()));
            assertFalse(lab.awaitTunnels(MINUTE));
            assertEquals("lab up: 0 of 2 tunnels up; the others are down (show services service-sets says why)",
                    lab.banner());
            LabRouter r1 = lab.router("router1").orElseThrow();
            String sets = r1.execute("show services service-sets").text();
            assertTrue(sets.contains("0/1"), sets);
            assertTrue(sets.contains("Tunnel 1 (vpn-rule-r1/term1) to 10.0.1.2: down: ike policy ike-policy1 uses IKE"
                    + " version 1"), sets);
            String ike = r1.execute("show services ipsec-vpn ike security-associations").text();
            assertFalse(ike.contains("IKEv2"), ike);
        }
    }

    @Test
    void bannerSaysNegotiatedOnlyWhenEveryTunnelIs() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            assertEquals("lab up: 2 of 2 tunnels negotiated", lab.banner());
            String sets = lab.router("router1").orElseThrow().execute("show services service-sets").text();
            assertTrue(sets.contains("1/1") && !sets.contains("down:"), sets);
        }
    }
}
