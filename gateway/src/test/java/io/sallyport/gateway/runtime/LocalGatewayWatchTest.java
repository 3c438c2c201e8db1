package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.net.HostAddress;
import io.sallyport.net.LinkState;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a gw-interface local gateway counts as down, and the reason the operator reads. */
class LocalGatewayWatchTest {
    private static final InetAddress GW = InetAddress.ofLiteral("192.0.2.1");
    private static final List<HostAddress> ON_ETH0 = List.of(new HostAddress("eth0", GW, 24));

    private static Optional<String> problem(List<HostAddress> addresses, LinkState eth0) {
        return LocalGatewayWatch.problem(GW, addresses, Map.of("eth0", eth0));
    }

    @Test
    void upWhenTheAddressIsThereAndItsLinkCarriesTraffic() {
        assertEquals(Optional.empty(), problem(ON_ETH0, new LinkState("eth0", 2, true, true, 1500)));
    }

    @Test
    void downWhenTheAddressIsGone() {
        assertEquals(Optional.of("local gateway 192.0.2.1 is not an address of this host"),
                problem(List.of(new HostAddress("eth0", InetAddress.ofLiteral("192.0.2.9"), 24)),
                        new LinkState("eth0", 2, true, true, 1500)));
    }

    @Test
    void downWhenTheLinkHasNoCarrier() {
        assertEquals(Optional.of("local gateway 192.0.2.1: interface eth0 link is down"),
                problem(ON_ETH0, new LinkState("eth0", 2, true, false, 1500)));
    }

    @Test
    void downWhenTheLinkIsAdministrativelyDown() {
        assertEquals(Optional.of("local gateway 192.0.2.1: interface eth0 is administratively down"),
                problem(ON_ETH0, new LinkState("eth0", 2, false, false, 1500)));
    }

    @Test
    void anAddressOnAnotherLinkIsNotAffectedByThisOne() {
        List<HostAddress> onEth1 = List.of(new HostAddress("eth1", GW, 24));
        assertEquals(Optional.empty(), LocalGatewayWatch.problem(GW, onEth1,
                Map.of("eth0", new LinkState("eth0", 2, true, false, 1500),
                        "eth1", new LinkState("eth1", 3, true, true, 1500))));
    }

    /** A host method the gated host does not forward would fall back to its default there (one read queue, no write queues). */
    @Test
    void gatedHostForwardsEveryHostMethod() throws Exception {
        Class<?> gated = new LocalGatewayWatch((GatewayHost) java.lang.reflect.Proxy.newProxyInstance(
                GatewayHost.class.getClassLoader(), new Class<?>[] {GatewayHost.class}, (proxy, m, args) -> null))
                .gatedHost().getClass();
        for (java.lang.reflect.Method m : GatewayHost.class.getMethods()) {
            if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                assertEquals(gated, gated.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass(),
                        "the gated host forwards " + m.getName());
            }
        }
    }
}
