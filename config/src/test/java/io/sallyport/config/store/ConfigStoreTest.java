package io.sallyport.config.store;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigStoreTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static Node host(String name) throws ConfigSyntaxException {
        return ConfigText.parse("set system host-name " + name);
    }

    @Test
    void commitMakesTheCandidateActiveAndSurvivesReopening() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        assertEquals(Node.root(), s.active());
        s.setCandidate(host("r1"));
        assertEquals(Node.root(), s.active());
        assertTrue(s.commit("admin", Optional.of("first")).committed());
        assertEquals(host("r1"), s.active());
        ConfigStore again = ConfigStore.open(dir, CLOCK);
        assertEquals(host("r1"), again.active());
        assertEquals(host("r1"), again.candidate());
        ConfigStore.CommitInfo info = again.history().getFirst();
        assertEquals("admin", info.user());
        assertEquals(Optional.of("first"), info.comment());
        assertEquals(CLOCK.instant(), info.time());
    }

    @Test
    void eachCommitRecordsItsClientAndCommitsStoredWithoutOneReadAsCli() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        s.setCandidate(host("r1"));
        s.commit("admin", Optional.empty());
        s.setCandidate(host("r2"));
        s.commit("robot", CommitClient.NETCONF, Optional.of("from pyez"));
        s.setCandidate(host("r3"));
        s.commit(host("r4"), "daemon", CommitClient.OTHER, Optional.empty());
        List<ConfigStore.CommitInfo> h = ConfigStore.open(dir, CLOCK).history();
        assertEquals(List.of(CommitClient.OTHER, CommitClient.NETCONF, CommitClient.CLI),
                h.stream().map(ConfigStore.CommitInfo::client).toList());
        assertEquals(Optional.of("from pyez"), h.get(1).comment());

        // A commit file written before the client was recorded: its header has no client line.
        Path old = dir.resolve("commits").resolve("0000000004.conf");
        Files.writeString(old, "## Last commit: 2026-11-27 12:00:00 UTC by veteran\n## Comment: old\nsystem {\n    host-name old;\n}\n");
        ConfigStore.CommitInfo veteran = ConfigStore.open(dir, CLOCK).history().getFirst();
        assertEquals("veteran", veteran.user());
        assertEquals(CommitClient.CLI, veteran.client());
        assertEquals(Optional.of("old"), veteran.comment());
        assertEquals(host("old"), ConfigStore.open(dir, CLOCK).active());
    }

    @Test
    void uncommittedCandidateIsKeptButNotActive() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        s.setCandidate(host("r1"));
        s.commit("admin", Optional.empty());
        s.setCandidate(host("r2"));
        ConfigStore again = ConfigStore.open(dir, CLOCK);
        assertEquals(host("r1"), again.active());
        assertEquals(host("r2"), again.candidate());
    }

    @Test
    void failedCommitChangesNothing() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        s.setCandidate(host("r1"));
        s.commit("admin", Optional.empty());
        s.setCandidate(ConfigText.parse("set services service-set S1 ipsec-vpn-rules missing"));
        ConfigStore.CommitOutcome out = s.commit("admin", Optional.empty());
        assertFalse(out.committed());
        assertTrue(out.check().render().endsWith("error: commit failed: (statements constraint check failed)\n"));
        assertEquals(host("r1"), s.active());
        assertEquals(1, s.history().size());
    }

    @Test
    void rollbackLoadsOlderCommitsIntoTheCandidate() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        for (int i = 1; i <= 3; i++) {
            s.setCandidate(host("r" + i));
            s.commit("admin", Optional.empty());
        }
        assertEquals(host("r1"), s.rollback(2));
        assertEquals(host("r1"), s.candidate());
        assertEquals(host("r3"), s.active());
        s.commit("admin", Optional.of("rolled back"));
        assertEquals(host("r1"), s.active());
        assertEquals(host("r3"), s.rollbackConfiguration(1));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> s.rollback(9));
        assertEquals("Cannot rollback, rollback 9 does not exist", missing.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> s.rollback(50));
        assertEquals("rollback 50 is not within range (0..49)", range.getMessage());
    }

    @Test
    void keepsFiftyCommits() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        for (int i = 1; i <= 55; i++) {
            s.setCandidate(host("r" + i));
            s.commit("admin", Optional.empty());
        }
        List<ConfigStore.CommitInfo> h = s.history();
        assertEquals(50, h.size());
        assertEquals(55, h.getFirst().sequence());
        assertEquals(host("r6"), s.rollbackConfiguration(49));
        try (var files = Files.list(dir.resolve("commits"))) {
            assertEquals(50, files.count());
        }
    }

    @Test
    void leftoverTemporaryFilesAreIgnoredAndRemoved() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        s.setCandidate(host("r1"));
        s.commit("admin", Optional.empty());
        // A writer PID beyond Linux's PID_MAX_LIMIT (2^22), so no live process has it (1234 did, at times).
        Path torn = dir.resolve("commits").resolve("0000000002.conf.99999999.tmp");
        Files.writeString(torn, "system { host-na");
        ConfigStore again = ConfigStore.open(dir, CLOCK);
        assertEquals(host("r1"), again.active());
        assertFalse(Files.exists(torn));
    }

    @Test
    void compareShowsAJunosDiff() throws Exception {
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        s.setCandidate(ConfigText.parse("""
            set system host-name r1
            set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1
            set services service-set S1 ipsec-vpn-options tunnel-mtu 1400
            """));
        s.commit("admin", Optional.empty());
        Node c = s.candidate();
        c = ConfigEditor.set(c, List.of(), "services service-set S1 ipsec-vpn-options local-gateway routing-instance wan");
        c = ConfigEditor.delete(c, List.of(), "services service-set S1 ipsec-vpn-options tunnel-mtu");
        c = ConfigEditor.set(c, List.of(), "services ipsec-vpn establish-tunnels immediately");
        c = ConfigEditor.set(c, List.of(), "system host-name r2");
        s.setCandidate(c);
        assertEquals("""
            [edit system]
            -   host-name r1;
            +   host-name r2;
            [edit services service-set S1 ipsec-vpn-options]
            -   local-gateway 192.0.2.1;
            +   local-gateway 192.0.2.1 routing-instance wan;
            -   tunnel-mtu 1400;
            [edit services]
            +   ipsec-vpn {
            +       establish-tunnels immediately;
            +   }
            """, s.compare());
        assertEquals("", ConfigDiff.diff(c, c));
        assertEquals("""
            [edit system]
            -   host-name r1;
            +   host-name r2;
            """, ConfigDiff.diff(s.active(), c, ConfigEditor.editLevel(List.of(), "system")));
        assertEquals(s.compare(), s.compare(0));
    }

    @Test
    void compareMarksDeactivatedStatements() throws Exception {
        Node a = ConfigText.parse("set services ipsec-vpn disable-natt");
        Node b = ConfigEditor.deactivate(a, List.of(), "services ipsec-vpn disable-natt");
        assertEquals("""
            [edit services ipsec-vpn]
            -   disable-natt;
            +   inactive: disable-natt;
            """, ConfigDiff.diff(a, b));
    }

    @Test
    void unreadableStateIsReportedNotIgnored() throws IOException {
        Files.createDirectories(dir.resolve("commits"));
        Files.writeString(dir.resolve("commits").resolve("0000000001.conf"), "system { host-name; }\n");
        IOException e = assertThrows(IOException.class, () -> ConfigStore.open(dir, CLOCK));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }
}
