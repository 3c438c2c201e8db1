package io.sallyport.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkChangeTrackerTest {

    private final NetworkChangeTracker tracker = new NetworkChangeTracker();
    private final HostAddress wanAddress = new HostAddress("wan", InetAddress.getLoopbackAddress(), 8);

    private static LinkState link(final String name, final boolean up, final boolean carrier) {
        return new LinkState(name, 1, up, carrier, 1500);
    }

    @Test
    void shouldTakeBaselineFirstThenReportOnlyChanges() {
        assertTrue(tracker.update(List.of(link("wan", true, true)), List.of(wanAddress)).isEmpty());
        assertTrue(tracker.update(List.of(link("wan", true, true)), List.of(wanAddress)).isEmpty());
        assertEquals(List.of(new NetworkEvent.LinkDown("wan")),
                tracker.update(List.of(link("wan", true, false)), List.of(wanAddress)));
        assertEquals(List.of(new NetworkEvent.LinkUp("wan")),
                tracker.update(List.of(link("wan", true, true)), List.of(wanAddress)));
    }

    @Test
    void shouldReportVanishedLinkAsDownAndNewUpLinkAsUp() {
        tracker.update(List.of(link("wan", true, true)), List.of(wanAddress));
        assertEquals(List.of(new NetworkEvent.LinkUp("lan"), new NetworkEvent.LinkDown("wan"),
                        new NetworkEvent.AddressRemoved(wanAddress)),
                tracker.update(List.of(link("lan", true, true)), List.of()));
        assertTrue(tracker.update(List.of(link("lan", true, true), link("dummy0", false, false)), List.of())
                .isEmpty(), "a new link that is down is no event");
    }
}
