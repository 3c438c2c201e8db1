package io.sallyport.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

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

    /** Strings of {@code min} to {@code max} characters drawn from {@code alphabet}. */
    private static Gen<String> stringsOf(final String alphabet, final int min, final int max) {
        return lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(min, max)
                .map(picks -> picks.stream().map(i -> String.valueOf(alphabet.charAt(i))).reduce("", String::concat));
    }

    @Test
    void shouldAlwaysYieldAValidDeterministicName() {
        qt().withExamples(500).forAll(stringsOf("ms-/.0123456789:x ", 1, 40)).checkAssert(unit -> {
            final String name = TunNames.forUnit(unit);
            assertTrue(TunNames.isValidDeviceName(name), name);
            assertEquals(name, TunNames.forUnit(unit));
        });
    }

    /** Units of at most 15 kernel-safe characters only swap their slashes ("." and ".." are not names). */
    @Test
    void shouldKeepShortSlashOnlyUnitsReadable() {
        qt().withExamples(300).forAll(stringsOf("abcdefghijklmnopqrstuvwxyz0123456789/.-", 1, 15))
                .assuming(unit -> !unit.equals(".") && !unit.equals(".."))
                .checkAssert(unit -> assertEquals(unit.replace('/', '_'), TunNames.forUnit(unit)));
    }
}
