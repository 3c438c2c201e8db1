package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** IKE identities (RFC 7296 §3.5): their ID types on the wire, how they print, and key-id identities end to end. */
class IdentityTest {

    private static PeerConfig withIds(PeerConfig p, Identity local, Identity remote) {
        return new PeerConfig(p.name(), p.localAddress(), p.remoteAddress(), local, remote, p.authenticator(), p.ikeProposals(),
                p.childProposals(), p.localSelectors(), p.remoteSelectors(), p.dpd(), p.natTraversal(), false);
    }

    private static final Identity KEY_A = Identity.keyId(new byte[] {0x0a, 0x0b});
    private static final Identity KEY_B = Identity.keyId(new byte[] {0x0c, 0x0d});

    @Test
    void keyIdIdentitiesAuthenticate() {
        var t = new TwoPeers();
        t.addPeers(withIds(TwoPeers.config("b", A, B, "secret"), KEY_A, KEY_B), withIds(TwoPeers.config("a", B, A, "secret"), KEY_B, KEY_A));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch());
    }

    @Test
    void anotherKeyIdThanConfiguredIsRefusedAndNamedInTheReason() {
        var t = new TwoPeers();
        t.addPeers(withIds(TwoPeers.config("b", A, B, "secret"), KEY_A, KEY_B),
                withIds(TwoPeers.config("a", B, A, "secret"), KEY_B, Identity.keyId(new byte[] {0x0e})));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        var down = t.of(t.actionsB, Action.IkeSaDown.class).getFirst();
        assertEquals(DownCause.AUTHENTICATION_FAILED, down.cause());
        assertEquals("authentication failed: peer identity KEY_ID:0a0b is not the configured KEY_ID:0e", down.reason());
        assertTrue(t.planesEmpty());
    }

    @Test
    void identitiesPrintAsOperatorsWriteThem() {
        assertEquals("192.0.2.1", Identity.ipv4("192.0.2.1").toString());
        assertEquals("2001:db8:0:0:0:0:0:1", Identity.ipv6("2001:db8::1").toString());
        assertEquals("gw.example.net", Identity.fqdn("gw.example.net").toString());
        assertEquals("ops@example.net", Identity.userFqdn("ops@example.net").toString());
        assertEquals("DER_ASN1_DN:3000", Identity.derAsn1Dn(HexFormat.of().parseHex("3000")).toString());
        assertEquals("bad\\x0aname\\x5c", Identity.fqdn("bad\nname\\").toString(), "no forged trace lines");
        assertEquals("IPV4_ADDR:invalid", new Identity(Identity.Type.IPV4_ADDR, new byte[3]).toString());
    }

    /** ID types 1, 2, 3, 5, 9, 11 of RFC 7296 §3.5; 4 (ID_IPV4_ADDR_SUBNET, IKEv1 only) is not one. */
    @Test
    void wireTypesAreThoseOfRfc7296() {
        assertEquals(Identity.Type.IPV6_ADDR, Identity.Type.fromWire(5));
        assertEquals(Identity.Type.KEY_ID, Identity.Type.fromWire(11));
        assertNull(Identity.Type.fromWire(4));
        assertTrue(Identity.ipv4("192.0.2.1").matches(1, new byte[] {(byte) 192, 0, 2, 1}));
        assertTrue(!Identity.ipv4("192.0.2.1").matches(5, new byte[] {(byte) 192, 0, 2, 1}));
    }

    @Test
    void anAddressIdentityOfTheOtherFamilyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Identity.ipv4("2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> Identity.ipv6("192.0.2.1"));
    }

    @Test
    void identitiesAreEqualByTypeAndBytes() {
        assertEquals(1, new java.util.HashSet<>(java.util.List.of(Identity.keyId(new byte[] {1}), Identity.keyId(new byte[] {1}))).size());
        assertEquals(Identity.keyId(new byte[] {1}), Identity.keyId(new byte[] {1}));
        assertEquals(Identity.keyId(new byte[] {1}).hashCode(), Identity.keyId(new byte[] {1}).hashCode());
        assertTrue(!Identity.keyId(new byte[] {1}).equals(Identity.fqdn("\u0001")), "same bytes, another type");
    }
}
