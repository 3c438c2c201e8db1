package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tunnel table knows each service set's held tunnel indexes as tunnels come, are replaced and go. */
class TunnelTableTest {

    private static long keys;

    private static Tunnel tunnel(String id, String set, int index) {
        InetAddress any = InetAddress.ofLiteral("192.0.2.1");
        return new Tunnel(new TunnelPlan(id, set, "r", "t", index, "ms-0/0/0.1", any, any, IpPrefix.parse("203.0.113.0/24"),
                IpPrefix.parse("198.18.0.1/32"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                null, null, Optional.empty(), java.util.OptionalInt.empty()), keys++);
    }

    @Test
    void theLowestFreeIndexFollowsTunnelsComingReplacedAndGoing() {
        var t = new TunnelTable();
        assertEquals(3, t.lowestFreeIndex("s", 3), "an empty set holds nothing");
        t.put("a", tunnel("a", "s", 3));
        t.put("b", tunnel("b", "s", 4));
        t.put("c", tunnel("c", "s", 6));
        t.put("x", tunnel("x", "other", 5));
        assertEquals(5, t.lowestFreeIndex("s", 3), "another set's index is free here");
        assertEquals(7, t.lowestFreeIndex("s", 6));

        t.remove("b");
        assertEquals(4, t.lowestFreeIndex("s", 3));

        // A tunnel replaced under its id by one with another index gives its old index back.
        t.put("a", tunnel("a", "s", 4));
        assertEquals(3, t.lowestFreeIndex("s", 3));
        assertEquals(5, t.lowestFreeIndex("s", 4));

        // Two tunnels on one index (a set's plan replaced while the old tunnel still goes): it stays held until both went.
        t.put("d", tunnel("d", "s", 4));
        t.remove("a");
        assertEquals(5, t.lowestFreeIndex("s", 4));
        t.remove("d");
        assertEquals(4, t.lowestFreeIndex("s", 4));

        assertNull(t.remove("nothing"));
        assertEquals(List.of("c", "x"), t.values().stream().map(x -> x.plan.id()).toList());
        t.remove("c");
        t.remove("x");
        assertEquals(6, t.lowestFreeIndex("s", 6));
        assertEquals(5, t.lowestFreeIndex("other", 5));
    }
}
