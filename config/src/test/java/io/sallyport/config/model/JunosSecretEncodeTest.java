package io.sallyport.config.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "$9$" encoder against published Junos strings, and decode(encode(x)) == x. */
class JunosSecretEncodeTest {

    /**
     * Published strings with their plaintexts: router_crypt's test suite, and netconan's
     * juniper_secrets tests (its non-random encoder with salt 'n' and filler "net"). Given the same
     * salt and filler, our encoder must produce exactly these characters.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "99problemsbutpwaintone | $9$40aikFn/9tOQFRSleXxoJGDi.CA0Ihr.PRSylXxGDi.Qn/9p0BEz3rvLNY2.P5QF/",
        "abc | $9$nnet/9pOBEyrv",
        "123 | $9$nnet/p01RhrKM",
        "netconan | $9$nnet9pBcSe8xdApK8xdg4aZUi.5",
        "QjEf.WloKY4IBVGik9xeIO9xWN5F7S13 | $9$nnet/pOleWN-bO18X-Vg4.P5F/tSyevL7yrx-bw4o6/CuOIKvLNds7NPQFnpuSylMXN4aZGi.Rh7dbs4ojikPFnCt0BRh9C",
    })
    void encodesPublishedStrings(String plain, String published) {
        char salt = published.charAt(3);
        String filler = published.substring(4, 4 + (published.charAt(3) == '4' ? 1 : 3));
        assertEquals(published, JunosSecret.encode(plain, salt, filler));
        assertEquals(Optional.of(plain), JunosSecret.decode(published));
    }

    @Test
    void randomEncodingsDecodeToThePlaintext() {
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < 2000; i++) {
            StringBuilder plain = new StringBuilder();
            int n = 1 + random.nextInt(80);
            for (int k = 0; k < n; k++) plain.append((char) (0x20 + random.nextInt(0x5f)));
            String encoded = JunosSecret.encode(plain.toString(), random);
            assertTrue(encoded.startsWith("$9$"));
            assertEquals(Optional.of(plain.toString()), JunosSecret.decode(encoded), encoded);
        }
    }

    @Test
    void nonAsciiSecretsKeepTheirUtf8Bytes() {
        String plain = "schlüssel-ключ";
        SecretKey clear = new SecretKey(KeyFormat.ASCII_TEXT, plain);
        SecretKey encoded = new SecretKey(KeyFormat.ASCII_TEXT, JunosSecret.encode(plain, new SplittableRandom(1)));
        assertArrayEquals(plain.getBytes(StandardCharsets.UTF_8), encoded.bytes());
        assertArrayEquals(clear.bytes(), encoded.bytes());
    }

    @Test
    void encodedHexadecimalKeysDecodeToTheirBytes() {
        SecretKey k = new SecretKey(KeyFormat.HEXADECIMAL, JunosSecret.encode("0x0a0B1", new SplittableRandom(2)));
        assertArrayEquals(new byte[] {0x00, (byte) 0xa0, (byte) 0xb1}, k.bytes());
    }
}
