package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.Planner;
import io.sallyport.gateway.runtime.TunnelState;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A commit touches only what it changed: the running gateway keeps untouched tunnels' SAs. */
class RecommitTest {
    private static final long MINUTE = 60_000_000_000L;

    private static GatewayPlan plan(LabRouter router, String configText) throws Exception {
        CheckResult check = CommitCheck.check(ConfigText.parse(configText));
        assertTrue(check.succeeded(), check.render());
        return new Planner(router.node().control()::hasAddress).plan(check.configuration().orElseThrow());
    }

    private static String router1Text() throws LabException {
        return Topologies.example("ms-mpc").routers().stream().filter(r -> r.name().equals("router1"))
                .findFirst().orElseThrow().configText();
    }

    @Test
    void anUnchangedCommitKeepsTheSaAndAChangedTermGetsANewOne() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ms-mpc"))) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            TunnelState before = r1.gateway().tunnels().iterator().next();
            int spi = before.current().spiIn();

            r1.gateway().apply(plan(r1, router1Text()));
            lab.advance(MINUTE);
            TunnelState same = r1.gateway().tunnels().iterator().next();
            assertEquals(spi, same.current().spiIn(), "an unchanged commit left the SA alone");
            assertEquals(3, lab.ping("h1", h2, Optional.empty(), 3).received());

            // The term's IPsec lifetime changes: that tunnel (only) is negotiated again; the
            // service set's device, routes and workers stay.
            r1.gateway().apply(plan(r1, router1Text().replace("lifetime-seconds 28800", "lifetime-seconds 7200")));
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            lab.advance(MINUTE);
            TunnelState changed = r1.gateway().tunnels().iterator().next();
            assertNotNull(changed.current(), changed.lastFailure());
            assertNotEquals(spi, changed.current().spiIn(), "the changed tunnel has a new SA");
            assertEquals(1, r1.gateway().kmd().ikeSas().size(), () -> "IKE SAs: " + r1.gateway().kmd().ikeSas());
            assertEquals(3, lab.ping("h1", h2, Optional.empty(), 3).received());
        }
    }
}
