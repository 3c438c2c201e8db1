package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Peer public values checked before DH work, and group 24's subgroup check (RFC 6989). */
class PeerValueValidationTest {

    private static final HexFormat HEX = HexFormat.of();
    /** RFC 5903 §8.1: the responder's public point g^r on P-256. */
    private static final byte[] P256_GR = HEX.parseHex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
            + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void honestValuesPassAndWrongLengthsFail(DhGroup group) {
        byte[] v = KeyExchange.generate(group, new SecureRandom()).publicValue();
        assertTrue(KeyExchange.isValidPeerValue(group, v));
        assertFalse(KeyExchange.isValidPeerValue(group, java.util.Arrays.copyOf(v, v.length - 1)));
        assertFalse(KeyExchange.isValidPeerValue(group, java.util.Arrays.copyOf(v, v.length + 1)));
    }

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"GROUP1", "GROUP2", "GROUP5", "GROUP14", "GROUP15", "GROUP16", "GROUP24"})
    void modpValuesOutsideOneToPMinusOneFail(DhGroup group) {
        int n = group.publicValueSize();
        BigInteger p = ModpParameters.of(group).p();
        for (BigInteger y : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p, p.add(BigInteger.ONE)}) {
            assertFalse(KeyExchange.isValidPeerValue(group, KeyExchange.leftPad(y, n)), group + " y=" + y.toString(16));
        }
        assertTrue(KeyExchange.isValidPeerValue(group, KeyExchange.leftPad(BigInteger.TWO, n)));
    }

    @Test
    void p256PointsOffTheCurveOrOutsideTheFieldFail() {
        assertTrue(KeyExchange.isValidPeerValue(DhGroup.GROUP19, P256_GR));
        byte[] off = P256_GR.clone();
        off[63] ^= 1;
        assertFalse(KeyExchange.isValidPeerValue(DhGroup.GROUP19, off));
        assertFalse(KeyExchange.isValidPeerValue(DhGroup.GROUP19, new byte[64]));
        byte[] big = P256_GR.clone();
        java.util.Arrays.fill(big, 0, 32, (byte) 0xff);
        assertFalse(KeyExchange.isValidPeerValue(DhGroup.GROUP19, big));
    }

    @Test
    void group24ValueOutsideTheOrderQSubgroupYieldsNoSecret() {
        var ours = KeyExchange.generate(DhGroup.GROUP24, new SecureRandom());
        // 2 is in range but generates (almost surely) a group far larger than q; RFC 6989 §2.2 rejects it.
        byte[] two = KeyExchange.leftPad(BigInteger.TWO, DhGroup.GROUP24.publicValueSize());
        assertTrue(ours.sharedSecret(two).isEmpty());
        byte[] honest = KeyExchange.generate(DhGroup.GROUP24, new SecureRandom()).publicValue();
        assertTrue(ours.sharedSecret(honest).isPresent());
    }
}
