package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.net.SpiSteering;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ESP in UDP ({@code udp-encapsulate}) in the lab, whose virtual host steers each fixed UDP
 * port's datagrams to two inbound workers by SPI as the Linux host does: with two tunnels
 * between the same gateways and their rekeys, SAs land on both workers, and every ping crosses
 * (an SA installed on a worker the host does not steer its SPI to would drop its ESP as an
 * unknown SPI).
 */
class InboundSteeringLabTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final long HOUR = 60 * MINUTE;

    private static String udpEncapsulated(String c) {
        return c.replaceAll("local-gateway (10\\.0\\.1\\.[12]);", "local-gateway $1; udp-encapsulate { dest-port 4565; }");
    }

    @Test
    void espInUdpReachesTheWorkerItsSpiIsSteeredToThroughRekeys() throws Exception {
        try (Lab lab = FidelityTest.msMpc(c -> udpEncapsulated(FidelityTest.twoTerms(c)))) {
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            assertTrue(r1.execute("show services ipsec-vpn ipsec security-associations detail").text()
                    .contains("UDP encapsulate"), "the SAs are ESP in UDP");
            Set<Integer> workers = new HashSet<>();
            for (int hour = 0; hour < 12 && workers.size() < VirtualGatewayHost.INBOUND_WORKERS; hour++) {
                for (String router : List.of("router1", "router2")) {
                    lab.router(router).orElseThrow().gateway().kmd().ikeSas().forEach(sa -> sa.childSpisIn()
                            .forEach(spi -> workers.add(SpiSteering.receiverOf(spi, VirtualGatewayHost.INBOUND_WORKERS))));
                }
                assertEquals(3, lab.ping("h1", h2, Optional.empty(), 3).received(), "hour " + hour);
                lab.advance(HOUR);
            }
            assertEquals(VirtualGatewayHost.INBOUND_WORKERS, workers.size(), "SAs on every worker");
            assertFalse(r1.execute("show services ipsec-vpn drops").text().contains("Invalid SPI"),
                    r1.execute("show services ipsec-vpn drops").text());
        }
    }
}
