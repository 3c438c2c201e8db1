package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EspCountersTest {

    @Test
    @DisplayName("Drop reason and stat ids are unique (they are stable names for traces and the API)")
    void idsAreUnique() {
        assertEquals(DropReason.values().length, Arrays.stream(DropReason.values()).mapToInt(DropReason::id).distinct().count());
        assertEquals(EspStat.values().length, Arrays.stream(EspStat.values()).mapToInt(EspStat::id).distinct().count());
    }

    @Test
    @DisplayName("Every drop reason adds to a §4.5 error-statistics field")
    void everyReasonMapsToAShowField() {
        final Set<String> fields = Set.of("replay-errors", "replay-before-window-drops", "esp-authentication-failures",
                "esp-decryption-failures", "bad-headers", "bad-trailers", "invalid-spi-errors", "ip-integrity-errors",
                "exceeds-tunnel-mtu", "flow-errors", "misc-errors", "discard-errors");
        for (final DropReason r : DropReason.values()) {
            assertTrue(fields.contains(r.showField()), r + " -> " + r.showField());
        }
    }

    @Test
    void workersSumAndClear() {
        final EspCounters a = new EspCounters();
        final EspCounters b = new EspCounters();
        a.drop(DropReason.BAD_LENGTH);
        b.drop(DropReason.BAD_OUTER_HEADER);
        b.add(EspStat.ENCRYPTED_BYTES, 100);
        final EspCounters total = new EspCounters();
        a.addTo(total);
        b.addTo(total);
        assertEquals(2, total.showField("bad-headers"));
        assertEquals(100, total.get(EspStat.ENCRYPTED_BYTES));
        total.clear();
        assertEquals(0, total.totalDrops());
    }
}
