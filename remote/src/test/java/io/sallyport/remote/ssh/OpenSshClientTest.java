package io.sallyport.remote.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sallyport.config.store.ConfigStore;
import io.sallyport.remote.RemoteAccess;
import io.sallyport.remote.RemoteFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's OpenSSH client (and sshpass) against the SSH server, on 127.0.0.1 and a free port. */
class OpenSshClientTest {
    @TempDir
    Path dir;

    private RemoteFixture fixture;
    private RemoteAccess remote;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RemoteFixture.installed("ssh"),
                "needs Debian's openssh-client (/usr/bin/ssh): apt-get install openssh-client");
        assumeTrue(RemoteFixture.installed("sshpass"),
                "needs Debian's sshpass (/usr/bin/sshpass): apt-get install sshpass");
        fixture = new RemoteFixture(dir.resolve("state"));
        remote = new RemoteAccess(fixture.state, "test-host");
        remote.configure(fixture.active());
    }

    @AfterEach
    void stop() {
        if (remote != null) remote.close();
    }

    @Test
    void passwordLoginRunsAnExecCommandInTheCli() throws Exception {
        var r = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword(RemoteFixture.ADMIN_PASSWORD, "admin"), "show configuration system | match host-name"));
        assertEquals(0, r.code(), r.err());
        assertEquals("host-name remote-test;\n", r.out().strip() + "\n");
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        var r = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword("not-the-password", "admin"), "show configuration"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("Permission denied"), r.err());
    }

    @Test
    void keyLoginOfAnOperatorMayShowButNotConfigure() throws Exception {
        List<String> key = fixture.ssh(fixture.sshPort, "keyuser", "-i", fixture.clientKey.toString(),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes");
        var show = RemoteFixture.run(RemoteFixture.with(key, "show services service-sets"));
        // No daemon in this test: the command reaches the CLI, which says so.
        assertTrue(show.err().contains("the Sallyport daemon is not running"), show.err() + show.out());
        var configure = RemoteFixture.run(RemoteFixture.with(key, "configure"));
        assertEquals(1, configure.code());
        assertTrue(configure.err().contains("error: permission denied: login class operator may not run 'configure'"),
                configure.err());
    }

    @Test
    void aReadOnlyUserIsRefusedConfigure() throws Exception {
        var r = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword(RemoteFixture.VIEWER_PASSWORD, "viewer"), "configure"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error: permission denied: login class read-only may not run 'configure'"), r.err());
        var clear = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword(RemoteFixture.VIEWER_PASSWORD, "viewer"),
                "clear services ipsec-vpn ike security-associations"));
        assertTrue(clear.err().contains("permission denied"), clear.err());
        var config = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword(RemoteFixture.VIEWER_PASSWORD, "viewer"),
                "show configuration system login"));
        assertEquals(0, config.code(), config.err());
        assertTrue(config.out().contains("encrypted-password /* SECRET-DATA */; ## SECRET-DATA"), config.out());
        assertFalse(config.out().contains("$6$"), "no password hash for a class without the secret permission:\n" + config.out());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anInteractiveSessionWithAPtyCommitsAsTheUser() throws Exception {
        List<String> command = fixture.sshWithPassword(RemoteFixture.ADMIN_PASSWORD, "admin", "-tt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (TypingSession typing = new TypingSession(p)) {
            // Type each line only once the prompt is there, as a person at a terminal does.
            typing.await("admin@remote-test> ");
            typing.type("configure");
            typing.await("admin@remote-test# ");
            typing.type("set system host-name r2");
            typing.await("admin@remote-test# ");
            typing.type("commit comment \"over ssh\"");
            typing.await("commit complete");
            typing.await("admin@r2# ");
            typing.type("exit");
            typing.await("admin@r2> ");
            typing.type("exit");
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the session ends after exit");
        }
        ConfigStore store = ConfigStore.open(fixture.state, Clock.systemUTC());
        assertEquals("r2", store.active().child("system").flatMap(s -> s.value("host-name")).orElseThrow());
        assertEquals("admin", store.history().getFirst().user());
        assertEquals(java.util.Optional.of("over ssh"), store.history().getFirst().comment());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aCommitThatMovesTheListenerLeavesOpenSessionsRunning() throws Exception {
        Process p = new ProcessBuilder(fixture.sshWithPassword(RemoteFixture.ADMIN_PASSWORD, "admin", "-tt"))
                .redirectErrorStream(true).start();
        try (TypingSession typing = new TypingSession(p)) {
            typing.await("admin@remote-test> ");
            // Not one of the fixture's listeners: the commit would be refused (ports must differ).
            int newPort = java.util.Arrays.stream(RemoteFixture.freePorts(4))
                    .filter(q -> q != fixture.sshPort && q != fixture.netconfPort && q != fixture.prometheusPort)
                    .findFirst().orElseThrow();
            ConfigStore store = ConfigStore.open(fixture.state, Clock.systemUTC());
            store.setCandidate(io.sallyport.config.ConfigText.applySetCommands(store.active(),
                    "set system services ssh port " + newPort + "\n"));
            assertTrue(store.commit("test", java.util.Optional.empty()).committed());
            remote.configure(store.active());
            typing.type("show configuration system | match host-name");
            typing.await("host-name remote-test;");
            typing.await("admin@remote-test> ");
            var old = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword(RemoteFixture.ADMIN_PASSWORD, "admin"),
                    "show configuration system | match host-name"));
            assertNotEquals(0, old.code(), "the old port no longer accepts: " + old.out());
            List<String> moved = new java.util.ArrayList<>(List.of("sshpass", "-p", RemoteFixture.ADMIN_PASSWORD));
            moved.addAll(fixture.ssh(newPort, "admin", "-o", "PubkeyAuthentication=no"));
            moved.add("show configuration system | match host-name");
            var fresh = RemoteFixture.run(moved);
            assertEquals(0, fresh.code(), fresh.err());
            typing.type("exit");
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the session ends after exit");
        }
    }

    @Test
    void openSshAcceptsTheEd25519HostKeyItWasToldToExpect() throws Exception {
        // ssh-keygen derives the public key from the private one the daemon wrote; OpenSSH then
        // insists on exactly that host key (ssh-ed25519 only, strict checking).
        Path key = fixture.state.resolve("ssh").resolve("ssh_host_ed25519_key");
        var pub = RemoteFixture.run(List.of("ssh-keygen", "-y", "-f", key.toString()));
        assertEquals(0, pub.code(), pub.err());
        assertTrue(pub.out().startsWith("ssh-ed25519 "), pub.out());
        Path knownHosts = Files.createTempFile("known_hosts", "");
        try {
            Files.writeString(knownHosts, "[127.0.0.1]:" + fixture.sshPort + " " + pub.out());
            List<String> cmd = new java.util.ArrayList<>(List.of("sshpass", "-p", RemoteFixture.ADMIN_PASSWORD, "ssh",
                    "-p", String.valueOf(fixture.sshPort), "-o", "HostKeyAlgorithms=ssh-ed25519", "-o", "StrictHostKeyChecking=yes",
                    "-o", "UserKnownHostsFile=" + knownHosts, "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
                    "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
                    "admin@127.0.0.1", "show configuration system | match host-name"));
            var r = RemoteFixture.run(cmd);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("host-name"), r.out());
            // Another Ed25519 key under the same name is refused by the client: the check is real.
            Path other = knownHosts.resolveSibling(knownHosts.getFileName() + "-other");
            assertEquals(0, RemoteFixture.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString())).code());
            Files.writeString(knownHosts, "[127.0.0.1]:" + fixture.sshPort + " " + Files.readString(other.resolveSibling(other.getFileName() + ".pub")));
            Files.delete(other);
            Files.delete(other.resolveSibling(other.getFileName() + ".pub"));
            var refused = RemoteFixture.run(cmd);
            assertTrue(refused.code() != 0 && refused.err().contains("HOST IDENTIFICATION HAS CHANGED"), refused.err());
        } finally {
            Files.deleteIfExists(knownHosts);
        }
    }

    @Test
    void hostKeysAreOwnerOnlyAndSurviveARestart() throws Exception {
        Path keys = fixture.state.resolve("ssh");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        Path ecdsa = keys.resolve("ssh_host_ecdsa_key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ecdsa)));
        Path ed25519 = keys.resolve("ssh_host_ed25519_key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ed25519)));
        String before = Files.readString(ecdsa);
        String beforeEd25519 = Files.readString(ed25519);
        remote.close();
        remote = new RemoteAccess(fixture.state, "test-host");
        remote.configure(fixture.active());
        assertEquals(before, Files.readString(ecdsa));
        assertEquals(beforeEd25519, Files.readString(ed25519));
        var r = RemoteFixture.run(RemoteFixture.with(fixture.sshWithPassword(RemoteFixture.ADMIN_PASSWORD, "admin"), "show configuration system | match host-name"));
        assertEquals(0, r.code(), r.err());
    }
}
