package io.sallyport.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunNamesTest {

    @ParameterizedTest
    @CsvSource({
        "ms-1/2/0.1,      ms-1_2_0.1",
        "sp-0/0/0.100,    sp-0_0_0.100",
        "ms-0/0/0.16383,  ms-0_0_0.16383",
        "ams0.1,          ams0.1",
    })
    void shouldMapServiceUnitsBySlashReplacement(final String unit, final String device) {
        assertEquals(device, TunNames.forUnit(unit));
    }

    @Test
    void shouldShortenLongNamesWithHashSuffix() {
        final String name = TunNames.forUnit("ms-10/20/30.16383");
        assertEquals(15, name.length());
        assertTrue(name.startsWith("ms-10_20-"), name);
        assertEquals(name, TunNames.forUnit("ms-10/20/30.16383"), "deterministic");
        assertNotEquals(name, TunNames.forUnit("ms-10/20/30.16384"));
    }

    @Test
    void shouldNotLetOtherCharactersCollideWithSlash() {
        assertNotEquals(TunNames.forUnit("ms-1/2"), TunNames.forUnit("ms-1:2"));
        assertTrue(TunNames.isValidDeviceName(TunNames.forUnit("a b")));
        assertTrue(TunNames.isValidDeviceName(TunNames.forUnit("..")));
        assertThrows(IllegalArgumentException.class, () -> TunNames.forUnit(""));
    }

    @Test
    void shouldValidateKernelNameRules() {
        assertTrue(TunNames.isValidDeviceName("sptest0"));
        assertFalse(TunNames.isValidDeviceName("ms-1/2/0.1"));
        assertFalse(TunNames.isValidDeviceName("abcdefghijklmnop"));
        assertFalse(TunNames.isValidDeviceName("."));
        assertFalse(TunNames.isValidDeviceName(""));
    }

    @Provide
    Arbitrary<String> units() {
        return Arbitraries.strings().withChars("ms-/.0123456789:x ").ofMinLength(1).ofMaxLength(40);
    }

    @Property(tries = 500)
    void shouldAlwaysYieldAValidDeterministicName(@ForAll("units") final String unit) {
        final String name = TunNames.forUnit(unit);
        assertTrue(TunNames.isValidDeviceName(name), name);
        assertEquals(name, TunNames.forUnit(unit));
    }

    @Property(tries = 300)
    void shouldKeepShortSlashOnlyUnitsReadable(@ForAll @StringLength(min = 1, max = 15) final String raw) {
        final String unit = raw.replaceAll("[^a-z0-9/.\\-]", "a");
        final String name = TunNames.forUnit(unit);
        if (!unit.equals(".") && !unit.equals("..")) {
            assertEquals(unit.replace('/', '_'), name);
        }
    }
}
