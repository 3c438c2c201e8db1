package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MsMpcLabTest {

    @Test
    void hostsPingThroughTheTunnel() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ms-mpc"))) {
            lab.warnings().forEach(System.out::println);
            boolean up = lab.awaitTunnels(30_000_000_000L);
            lab.routers().values().forEach(r -> r.tunnelProblems().forEach(System.out::println));
            assertTrue(up, "tunnels up");
            PingResult ping = lab.ping("h1", lab.resolve("h2").orElseThrow(), Optional.empty(), 3);
            System.out.print(ping.render());
            System.out.println(lab.node("router1").get().drops() + " " + lab.node("router2").get().drops());
            assertEquals(3, ping.received());
            System.out.print(lab.router("router1").get().execute("show services ipsec-vpn ipsec security-associations detail").text());
            System.out.print(lab.traceroute("h1", lab.resolve("h2").orElseThrow(), 30).render());
        }
    }
}
