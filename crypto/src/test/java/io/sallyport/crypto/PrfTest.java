package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PrfTest {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 4231 test case 1 (HMAC-SHA-256) as prf. */
    @Test
    void shouldMatchRfc4231Case1() {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) 0x0b);
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                HEX.formatHex(new Prf(PrfAlgorithm.HMAC_SHA2_256).prf(key, "Hi There".getBytes())));
    }

    /** RFC 4231 test case 2: the key "Jefe", data split across two prf inputs. */
    @Test
    void shouldConcatenateInputs() {
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HEX.formatHex(new Prf(PrfAlgorithm.HMAC_SHA2_256).prf("Jefe".getBytes(),
                        "what do ya want ".getBytes(), "for nothing?".getBytes())));
    }

    /** prf+ is T1 | T2 | ... with T1 = prf(K, S|1), T2 = prf(K, T1|S|2) (RFC 7296 §2.13). */
    @Test
    void shouldChainPrfPlusBlocks() {
        var prf = new Prf(PrfAlgorithm.HMAC_SHA1);
        byte[] k = "key".getBytes();
        byte[] s = "seed".getBytes();
        byte[] t1 = prf.prf(k, s, new byte[] {1});
        byte[] t2 = prf.prf(k, t1, s, new byte[] {2});
        byte[] out = prf.prfPlus(k, s, 30);
        assertArrayEquals(Arrays.copyOf(t1, 20), Arrays.copyOfRange(out, 0, 20));
        assertArrayEquals(Arrays.copyOf(t2, 10), Arrays.copyOfRange(out, 20, 30));
    }

    @Test
    void shouldSplitIkeSaKeysInRfcOrder() {
        byte[] ni = new byte[16];
        byte[] nr = new byte[16];
        nr[0] = 1;
        byte[] seed = IkeKeyDerivation.skeyseed(PrfAlgorithm.HMAC_SHA2_256, ni, nr, new byte[256]);
        var keys = IkeKeyDerivation.ikeSaKeys(PrfAlgorithm.HMAC_SHA2_256, EncryptionAlgorithm.AES_256_CBC,
                IntegrityAlgorithm.HMAC_SHA_256_128, seed, ni, nr, 0x0102030405060708L, 0x1112131415161718L);
        byte[] all = new Prf(PrfAlgorithm.HMAC_SHA2_256).prfPlus(seed, IkeKeyDerivation.concat(ni, nr,
                HEX.parseHex("01020304050607081112131415161718")), 32 * 3 + 32 * 2 + 32 * 2);
        assertArrayEquals(Arrays.copyOfRange(all, 0, 32), keys.skD());
        assertArrayEquals(Arrays.copyOfRange(all, 96, 128), keys.skEi());
        assertArrayEquals(Arrays.copyOfRange(all, 192, 224), keys.skPr());
        var gcm = IkeKeyDerivation.ikeSaKeys(PrfAlgorithm.HMAC_SHA2_256, EncryptionAlgorithm.AES_128_GCM, null,
                seed, ni, nr, 1, 2);
        assertEquals(0, gcm.skAi().length);
        assertEquals(20, gcm.skEr().length);
    }
}
