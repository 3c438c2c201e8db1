package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyExchangeTest {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 5903 §8.1, 256-bit random ECP group. */
    @Test
    void shouldMatchRfc5903P256Vector() {
        var i = new BigInteger("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433", 16);
        byte[] gi = HEX.parseHex("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
                + "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
        byte[] gr = HEX.parseHex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
                + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
        var ke = KeyExchange.fromEcPrivate(DhGroup.GROUP19, i, gi);
        assertEquals("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",
                HEX.formatHex(ke.sharedSecret(gr).orElseThrow()));
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void shouldAgreeOnSharedSecretInEveryGroup(DhGroup group) {
        var rnd = new SecureRandom();
        var a = KeyExchange.generate(group, rnd);
        var b = KeyExchange.generate(group, rnd);
        assertEquals(group.publicValueSize(), a.publicValue().length);
        byte[] ab = a.sharedSecret(b.publicValue()).orElseThrow();
        assertArrayEquals(ab, b.sharedSecret(a.publicValue()).orElseThrow());
        assertEquals(group.kind() == DhGroup.Kind.MODP ? group.publicValueSize() : group.publicValueSize() / 2, ab.length);
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void shouldRejectMalformedPeerValues(DhGroup group) {
        var a = KeyExchange.generate(group, new SecureRandom());
        assertTrue(a.sharedSecret(new byte[group.publicValueSize() - 1]).isEmpty());
        assertTrue(a.sharedSecret(new byte[group.publicValueSize()]).isEmpty());
        byte[] one = new byte[group.publicValueSize()];
        one[one.length - 1] = 1;
        assertTrue(a.sharedSecret(one).isEmpty());
    }

    /** The MODP primes are safe primes (RFC 3526), and group 24's g generates its order-q subgroup (RFC 5114). */
    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"GROUP1", "GROUP2", "GROUP5", "GROUP14", "GROUP15", "GROUP16", "GROUP24"})
    void shouldHaveValidGroupParameters(DhGroup group) {
        var p = ModpParameters.of(group);
        assertEquals(group.bits(), p.p().bitLength());
        assertTrue(p.p().isProbablePrime(30));
        assertTrue(p.q().isProbablePrime(30));
        assertEquals(BigInteger.ONE, p.g().modPow(p.q(), p.p()));
        if (group != DhGroup.GROUP24) {
            assertTrue(HEX.formatHex(p.p().toByteArray()).startsWith("00ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1"));
        }
    }

    @Test
    void shouldComputeModpSharedSecretFromFixedExponents() {
        var a = KeyExchange.fromModpPrivate(DhGroup.GROUP2, BigInteger.valueOf(3));
        var b = KeyExchange.fromModpPrivate(DhGroup.GROUP2, BigInteger.valueOf(5));
        var p = ModpParameters.of(DhGroup.GROUP2).p();
        byte[] expected = KeyExchange.leftPad(BigInteger.TWO.modPow(BigInteger.valueOf(15), p), 128);
        assertArrayEquals(expected, a.sharedSecret(b.publicValue()).orElseThrow());
    }
}
