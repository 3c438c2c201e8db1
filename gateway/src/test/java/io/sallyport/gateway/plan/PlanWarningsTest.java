package io.sallyport.gateway.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the plan says it leaves to others, and establish-tunnels responder-only (issue 9). */
class PlanWarningsTest {

    private static GatewayPlan plan(String extra) throws Exception {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
                set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
                set interfaces ms-1/0/0 unit 1 family inet
                set interfaces ms-1/0/0 unit 1 service-domain inside
                set interfaces ms-1/0/0 unit 2 family inet
                set interfaces ms-1/0/0 unit 2 service-domain outside
                set routing-options static route 198.51.100.0/24 next-hop ms-1/0/0.1
                set services service-set S next-hop-service inside-service-interface ms-1/0/0.1
                set services service-set S next-hop-service outside-service-interface ms-1/0/0.2
                set services service-set S ipsec-vpn-options local-gateway 192.0.2.1
                set services service-set S ipsec-vpn-rules r
                set services ipsec-vpn rule r term t then remote-gateway 192.0.2.2
                set services ipsec-vpn rule r term t then dynamic ike-policy p
                set services ipsec-vpn rule r match-direction input
                set services ipsec-vpn ike policy p version 2
                set services ipsec-vpn ike policy p pre-shared-key ascii-text k
                """ + extra));
        assertTrue(r.succeeded(), r.render());
        return new Planner(a -> true).plan(r.configuration().orElseThrow());
    }

    @Test
    void staticRoutesNotIntoAServiceUnitAreLeftToTheHostAndSaidSo() throws Exception {
        assertEquals(List.of(), plan("").warnings());
        List<String> w = plan("set routing-options static route 203.0.113.0/24 next-hop 192.0.2.254\n").warnings();
        assertEquals(List.of("routing-options static route 203.0.113.0/24 next-hop 192.0.2.254: not installed by"
                + " Sallyport (only routes into service units are); the host's routing must carry it"), w);
    }

    @Test
    void responderOnlyIsCarriedInThePlan() throws Exception {
        assertTrue(plan("set services ipsec-vpn establish-tunnels responder-only\n").responderOnly());
        assertTrue(!plan("").responderOnly() && !plan("").establishImmediately());
    }
}
