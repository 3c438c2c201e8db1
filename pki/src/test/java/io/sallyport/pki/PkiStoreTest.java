package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiStoreTest {

    @TempDir
    Path state;

    @Test
    void everythingSurvivesANewStoreOwnerOnly() throws Exception {
        PkiStore store = new PkiStore(state);
        KeyPair keys = KeyPairs.generate(KeyAlgorithm.ECDSA, 256, new SecureRandom());
        store.saveKeyPair("local-entrust2", keys);
        store.saveLocalCertificate("gw", List.of(Vectors.cert("gw.pem"), Vectors.cert("inter.pem")));
        store.saveCaCertificate("entrust", Vectors.cert("root.pem"));
        store.saveCrl("entrust", Vectors.crl("inter.crl"));
        store.saveRequest("local-entrust2", new byte[] {0x30, 0x00});

        PkiStore again = new PkiStore(state);
        KeyPair back = again.keyPair("local-entrust2").orElseThrow();
        assertEquals(keys.getPublic(), back.getPublic());
        assertEquals(keys.getPrivate(), back.getPrivate());
        assertEquals(List.of(Vectors.cert("gw.pem"), Vectors.cert("inter.pem")), again.localCertificate("gw").orElseThrow());
        assertEquals(Vectors.cert("root.pem"), again.caCertificate("entrust").orElseThrow());
        assertEquals(Vectors.crl("inter.crl"), again.crl("entrust").orElseThrow());
        assertTrue(again.request("local-entrust2").orElseThrow().startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
        assertEquals(List.of("local-entrust2"), again.keyPairIds());
        assertEquals(List.of("entrust"), again.caProfiles());

        try (Stream<Path> all = Files.walk(store.root())) {
            for (Path p : all.toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", perms, p.toString());
                assertFalse(p.getFileName().toString().endsWith(".tmp"), p.toString());
            }
        }
    }

    @Test
    void deleteAndNames() {
        PkiStore store = new PkiStore(state);
        store.saveCaCertificate("ca1", Vectors.cert("root.pem"));
        assertTrue(store.deleteCaCertificate("ca1"));
        assertFalse(store.deleteCaCertificate("ca1"));
        assertTrue(store.caCertificate("ca1").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.caCertificate("../etc"));
        assertThrows(IllegalArgumentException.class, () -> store.saveCaCertificate("a/b", Vectors.cert("root.pem")));
        assertThrows(IllegalArgumentException.class, () -> store.keyPair("x".repeat(33)));
    }
}
