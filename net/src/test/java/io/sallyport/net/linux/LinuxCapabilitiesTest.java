package io.sallyport.net.linux;

import io.sallyport.net.linux.LinuxCapabilities.Capability;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxCapabilitiesTest {

    private static final Set<Capability> GATEWAY = EnumSet.allOf(Capability.class);

    @Test
    void shouldSeeEverythingForRoot() {
        final LinuxCapabilities root = LinuxCapabilities.parseStatus(
                List.of("Name:\tjava", "CapPrm:\t000001ffffffffff", "CapEff:\t000001ffffffffff"));
        assertTrue(root.missing(GATEWAY).isEmpty());
        assertEquals("", root.explainMissing(GATEWAY));
    }

    @Test
    void shouldNameEachMissingCapabilityAndWhy() {
        // CAP_NET_ADMIN (bit 12) only.
        final LinuxCapabilities caps = LinuxCapabilities.parseStatus(List.of("CapEff:\t0000000000001000"));
        assertEquals(EnumSet.of(Capability.CAP_NET_BIND_SERVICE, Capability.CAP_NET_RAW), caps.missing(GATEWAY));
        final String why = caps.explainMissing(GATEWAY);
        assertTrue(why.contains("CAP_NET_RAW (needed to send and receive plain ESP"), why);
        assertTrue(why.contains("CAP_NET_BIND_SERVICE (needed to bind UDP port 500)"), why);
        assertTrue(why.contains("run as root"), why);
    }

    @Test
    void shouldRefuseStatusWithoutCapEff() {
        assertThrows(IllegalArgumentException.class, () -> LinuxCapabilities.parseStatus(List.of("Name: x")));
    }

    @Test
    void shouldReadTheCurrentProcess() {
        final LinuxCapabilities self = LinuxCapabilities.ofCurrentProcess();
        assertEquals(self, LinuxCapabilities.ofCurrentProcess());
    }
}
