package io.sallyport.config.store;

import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.model.JunosSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 #3: secrets are stored "$9$"-encoded in candidate, active and every rollback file. */
class StoreSecretsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);
    static final String PSK = "set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"s3cret key\"";
    static final String MANUAL = """
        set services ipsec-vpn rule r1 term t1 then manual direction bidirectional authentication key hexadecimal 0x00112233445566778899aabbccddeeff00112233
        set services ipsec-vpn rule r1 term t1 then manual direction bidirectional encryption key ascii-text "enc key text"
        """;

    @TempDir
    Path dir;

    static String policyKey(Node tree) {
        return tree.child("services").flatMap(s -> s.child("ipsec-vpn")).flatMap(v -> v.child("ike"))
                .flatMap(i -> i.child("policy", "p1")).flatMap(p -> p.child("pre-shared-key"))
                .flatMap(k -> k.value("ascii-text")).orElseThrow();
    }

    static String allStoreText(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) sb.append(Files.readString(p));
        }
        return sb.toString();
    }

    @Test
    void secretsAreWrittenEncodedWithTheSecretDataComment() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK, new SplittableRandom(3));
        s.setCandidate(ConfigText.parse(PSK + "\n" + MANUAL));
        String key = policyKey(s.candidate());
        assertEquals(Optional.of("s3cret key"), JunosSecret.decode(key));
        s.commit("admin", Optional.empty());
        String text = allStoreText(dir);
        assertFalse(text.contains("s3cret"), text);
        assertFalse(text.contains("enc key text"), text);
        assertFalse(text.contains("00112233445566778899"), text);
        assertTrue(text.contains("pre-shared-key ascii-text \"" + key + "\"; ## SECRET-DATA"), text);
        assertEquals(key, policyKey(ConfigStore.open(dir, CLOCK).active()));
    }

    @Test
    void reenteringTheSameKeyIsNoChange() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK, new SplittableRandom(4));
        s.setCandidate(ConfigText.parse(PSK));
        s.commit("admin", Optional.empty());
        s.setCandidate(ConfigText.parse(PSK));
        assertEquals(s.active(), s.candidate());
        assertEquals("", s.compare());
    }

    @Test
    void aStoreWithClearSecretsIsReadAndEncodedOnTheNextCommit() throws Exception {
        Files.createDirectories(dir.resolve("commits"));
        String clear = "services { ipsec-vpn { ike { policy p1 { pre-shared-key ascii-text \"s3cret key\"; } } } }\n";
        Files.writeString(dir.resolve("commits/0000000001.conf"), "## Last commit: 2026-12-01 10:00:00 UTC by old\n## Client: netconf\n" + clear);
        Files.writeString(dir.resolve("candidate.conf"), clear);
        ConfigStore s = ConfigStore.open(dir, CLOCK, new SplittableRandom(5));
        assertEquals("s3cret key", policyKey(s.active()));
        s.setCandidate(ConfigText.parse("set system host-name r1\n" + PSK));
        s.commit("admin", Optional.empty());
        assertFalse(allStoreText(dir).contains("s3cret"));
        ConfigStore again = ConfigStore.open(dir, CLOCK);
        assertEquals("old", again.history().get(1).user());
        assertEquals(CommitClient.NETCONF, again.history().get(1).client(), "the rewrite keeps the header");
        assertEquals(Optional.of("s3cret key"), JunosSecret.decode(policyKey(again.rollbackConfiguration(1))));
        assertEquals(List.of(), again.check().errors());
    }
}
