package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reference §5.2's four routers ({@link OspfAcrossTunnelTest}'s topology) through a failure of the
 * link between the gateways: OSPF declares the neighbour across the tunnel dead (dead interval
 * 4 s) and R1 forgets R4's networks; with the link back, the tunnel carries hellos again, OSPF
 * learns the routes again and R1 reaches R4.
 */
@Tag("interop")
class OspfReconvergenceTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("ospf2-", Harness.Topology.DIRECT);

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final Duration WITHDRAW = Duration.ofSeconds(30);
    private final Harness h = BED.harness();
    private final List<Path> plainFrr = new ArrayList<>();

    @AfterEach
    void stop() {
        BED.stopDaemons();
        OspfAcrossTunnelTest.cleanUp(h, plainFrr);
    }

    @Test
    void aLinkFailureBetweenTheGatewaysWithdrawsTheRoutesAndTheyComeBack() {
        OspfAcrossTunnelTest.fourRouters(BED, plainFrr);
        assertTrue(Testbed.await(CONVERGE, () -> OspfAcrossTunnelTest.learnedEverywhere(h)), "OSPF never converged");
        assertTrue(h.ping("host-a", "198.18.2.10", 3, 0.2).allAnswered());

        h.inNs("gw-a", 10, "ip", "link", "set", "wan", "down").orThrow();
        long down = System.nanoTime();
        boolean withdrawn = Testbed.await(WITHDRAW,
            () -> !OspfAcrossTunnelTest.learned(h, "host-a", "198.18.2.0/24", "198.18.99.4"));
        long withdrawnMillis = (System.nanoTime() - down) / 1_000_000;
        String r1Down = h.inNs("host-a", 10, "ip", "route").stdout();
        h.inNs("gw-a", 10, "ip", "link", "set", "wan", "up").orThrow();
        long up = System.nanoTime();
        boolean relearned = Testbed.await(CONVERGE, () -> OspfAcrossTunnelTest.learnedEverywhere(h));
        long relearnedMillis = (System.nanoTime() - up) / 1_000_000;
        Ping after = h.ping("host-a", "198.18.2.10", 5, 0.2);
        System.out.println("evidence: link down: R1 withdrew R4's routes " + withdrawn + " after " + withdrawnMillis
            + " ms; link up: every router relearned " + relearned + " after " + relearnedMillis + " ms; R1->R4 " + after
            + "\n--- R1 ip route while down\n" + r1Down);
        assertTrue(withdrawn, "R1 kept R4's routes with the link down:\n" + r1Down);
        assertTrue(relearned, "OSPF did not learn the routes again: " + h.inNs("host-a", 10, "ip", "route").stdout());
        assertTrue(after.allAnswered(), after.output());
    }
}
