package io.sallyport.remote.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.store.ConfigStore;
import io.sallyport.remote.LoginClass;
import io.sallyport.remote.LoginUser;
import io.sallyport.remote.RemoteUser;
import io.sallyport.remote.Shells;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One session without a socket: the hello, every kind of bad input, locks, classes, loads and commits. */
class NetconfSessionTest {
    private static final String HELLO = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
            + "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>";

    @TempDir
    Path state;

    private final ConfigLock lock = new ConfigLock();
    private int ids;

    @BeforeEach
    void commitABaseConfiguration() throws Exception {
        ConfigStore store = ConfigStore.open(state, Clock.systemUTC());
        store.setCandidate(ConfigText.parse("set system host-name base\n"));
        assertTrue(store.commit("test", Optional.empty()).committed());
    }

    private NetconfSession session(LoginClass loginClass) throws Exception {
        int id = ++ids;
        RemoteUser user = new RemoteUser(new LoginUser("u" + id, loginClass, Optional.empty(), List.of()), "192.0.2.9", "netconf");
        Shells shells = new Shells(state, "test-host");
        NetconfSession s = new NetconfSession(id, user, lock, new ConfigurationRpcs(state, user, id, lock),
                new OperationalRpcs(shells.open(user), new SystemFacts(state, "test-host")));
        assertEquals(Optional.empty(), s.handle(HELLO).reply());
        return s;
    }

    private static String rpc(NetconfSession s, String body) {
        NetconfSession.Outcome o = s.handle("<rpc message-id=\"7\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" + body + "</rpc>");
        assertFalse(o.close());
        return o.reply().orElseThrow();
    }

    @Test
    void theServerHelloOffersBothFramingsAndTheSessionId() throws Exception {
        NetconfSession s = session(LoginClass.SUPER_USER);
        String hello = s.hello();
        assertTrue(hello.contains("urn:ietf:params:netconf:base:1.1"), hello);
        assertTrue(hello.contains("<session-id>1</session-id>"), hello);
    }

    @Test
    void aClientThatDoesNotSayHelloFirstIsDisconnected() throws Exception {
        RemoteUser user = new RemoteUser(new LoginUser("x", LoginClass.SUPER_USER, Optional.empty(), List.of()), "192.0.2.9", "netconf");
        NetconfSession s = new NetconfSession(99, user, lock, new ConfigurationRpcs(state, user, 99, lock),
                new OperationalRpcs(new Shells(state, "h").open(user), new SystemFacts(state, "h")));
        assertTrue(s.handle("<rpc><get-configuration/></rpc>").close());
        assertTrue(s.handle("not xml at all").close());
    }

    @Test
    void malformedXmlUnknownRpcsAndEntitiesAreRpcErrors() throws Exception {
        NetconfSession s = session(LoginClass.SUPER_USER);
        String broken = s.handle("<rpc message-id=\"1\"><get-configuration></rpc>").reply().orElseThrow();
        assertTrue(broken.contains("<error-tag>malformed-message</error-tag>"), broken);
        String unknown = rpc(s, "<get-system-core-dumps/>");
        assertTrue(unknown.contains("unknown RPC 'get-system-core-dumps'"), unknown);
        assertTrue(unknown.contains("message-id=\"7\""), unknown);
        String xxe = s.handle("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<rpc message-id=\"2\"><command>&x;</command></rpc>").reply().orElseThrow();
        assertTrue(xxe.contains("malformed-message") && xxe.contains("DOCTYPE"), xxe);
        assertFalse(xxe.contains("root:"), xxe);
        String two = rpc(s, "<lock/><unlock/>");
        assertTrue(two.contains("exactly one operation"), two);
    }

    @Test
    void loadInEveryFormatThenCommitWithACommitCheckFailureFirst() throws Exception {
        NetconfSession s = session(LoginClass.SUPER_USER);
        String set = rpc(s, "<load-configuration action=\"set\" format=\"text\"><configuration-set>"
                + "set system login user ops full-name Ops</configuration-set></load-configuration>");
        assertTrue(set.contains("<load-success/>"), set);
        String failed = rpc(s, "<commit-configuration/>");
        assertTrue(failed.contains("<error-path>[edit system login]</error-path>"), failed);
        assertTrue(failed.contains("<bad-element>user ops</bad-element>"), failed);
        assertTrue(failed.contains("Missing mandatory statement: 'class'"), failed);
        assertTrue(failed.contains("configuration check-out failed"), failed);
        String xml = rpc(s, "<load-configuration format=\"xml\"><configuration><system><login><user><name>ops</name>"
                + "<class>operator</class></user></login></system></configuration></load-configuration>");
        assertTrue(xml.contains("<load-success/>"), xml);
        String text = rpc(s, "<load-configuration action=\"merge\" format=\"text\"><configuration-text>"
                + "system { host-name from-text; }</configuration-text></load-configuration>");
        assertTrue(text.contains("<load-success/>"), text);
        String check = rpc(s, "<commit-configuration><check/></commit-configuration>");
        assertTrue(check.contains("<commit-check-success/>"), check);
        String commit = rpc(s, "<commit-configuration><log>three formats</log></commit-configuration>");
        assertTrue(commit.contains("<commit-success/>"), commit);
        ConfigStore store = ConfigStore.open(state, Clock.systemUTC());
        assertEquals("from-text", store.active().child("system").flatMap(n -> n.value("host-name")).orElseThrow());
        assertEquals(Optional.of("three formats"), store.history().getFirst().comment());
        assertEquals(io.sallyport.config.store.CommitClient.NETCONF, store.history().getFirst().client());
        String history = rpc(s, "<command format=\"text\">show system commit</command>");
        assertTrue(history.contains(" by u1 via netconf\n    three formats"), history);
        String information = rpc(session(LoginClass.READ_ONLY), "<get-commit-information/>");
        assertTrue(information.contains("<commit-history>\n<sequence-number>0</sequence-number>\n<user>u1</user>\n<client>netconf</client>\n"
                + "<date-time junos:seconds=\""), information);
        assertTrue(information.contains("<log>three formats</log>"), information);
        assertTrue(information.contains("<sequence-number>1</sequence-number>\n<user>test</user>\n<client>cli</client>"), information);
        String deleted = rpc(s, "<load-configuration><configuration><system><login><user delete=\"delete\"><name>ops</name>"
                + "</user></login></system></configuration></load-configuration>");
        assertTrue(deleted.contains("<load-success/>"), deleted);
        String candidate = rpc(s, "<get-configuration database=\"candidate\" format=\"set\"/>");
        assertFalse(candidate.contains("user ops"), candidate);
        String syntax = rpc(s, "<load-configuration><configuration><system><no-such-thing/></system></configuration></load-configuration>");
        assertTrue(syntax.contains("unknown statement 'no-such-thing'") && syntax.contains("<load-error-count>1"), syntax);
    }

    @Test
    void overrideReplacesTheCandidateAndDiscardBringsBackTheActive() throws Exception {
        NetconfSession s = session(LoginClass.SUPER_USER);
        rpc(s, "<load-configuration action=\"override\" format=\"text\"><configuration-text>"
                + "system { host-name other; }</configuration-text></load-configuration>");
        assertTrue(rpc(s, "<get-configuration database=\"candidate\" format=\"text\"/>").contains("host-name other;"));
        assertTrue(rpc(s, "<discard-changes/>").contains("<ok/>"));
        assertTrue(rpc(s, "<get-configuration database=\"candidate\" format=\"text\"/>").contains("host-name base;"));
    }

    @Test
    void aLockKeepsOtherSessionsFromChangingAndGoesWithItsSession() throws Exception {
        NetconfSession a = session(LoginClass.SUPER_USER);
        NetconfSession b = session(LoginClass.SUPER_USER);
        assertTrue(rpc(a, "<lock><target><candidate/></target></lock>").contains("<ok/>"));
        String denied = rpc(b, "<lock-configuration/>");
        assertTrue(denied.contains("<error-tag>lock-denied</error-tag>") && denied.contains("u1 (session-id 1)"), denied);
        String load = rpc(b, "<load-configuration action=\"set\" format=\"text\"><configuration-set>set system host-name b"
                + "</configuration-set></load-configuration>");
        assertTrue(load.contains("configuration database locked by"), load);
        assertTrue(rpc(b, "<get-configuration/>").contains("<host-name>base</host-name>"), "reading is still allowed");
        a.closed();
        assertTrue(rpc(b, "<lock-configuration/>").contains("<ok/>"));
    }

    @Test
    void aReadOnlyUserSeesTheConfigurationWithSecretsMaskedInEveryForm() throws Exception {
        ConfigStore store = ConfigStore.open(state, Clock.systemUTC());
        store.setCandidate(ConfigText.parse("""
                set system host-name base
                set system login user ops class operator
                set system login user ops authentication encrypted-password "$6$salt$abcdefghijklmnopqrstuvwxyz0123456789"
                set services ipsec-vpn ike policy p1 pre-shared-key ascii-text "s3cret key"
                """));
        var committed = store.commit("test", Optional.empty());
        assertTrue(committed.committed(), committed.check().render());
        NetconfSession viewer = session(LoginClass.READ_ONLY);
        String text = rpc(viewer, "<get-configuration format=\"text\"/>");
        assertTrue(text.contains("pre-shared-key ascii-text /* SECRET-DATA */; ## SECRET-DATA"), text);
        assertTrue(text.contains("encrypted-password /* SECRET-DATA */; ## SECRET-DATA"), text);
        String filtered = rpc(viewer, "<get-configuration format=\"text\"><configuration><services/></configuration></get-configuration>");
        assertTrue(filtered.contains("pre-shared-key ascii-text /* SECRET-DATA */;"), filtered);
        String set = rpc(viewer, "<get-configuration format=\"set\"/>");
        assertTrue(set.contains("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text /* SECRET-DATA */"), set);
        String xml = rpc(viewer, "<get-config><source><running/></source></get-config>");
        assertTrue(xml.contains("<ascii-text>/* SECRET-DATA */</ascii-text>"), xml);
        String json = rpc(viewer, "<get-configuration format=\"json\"/>");
        String compare = rpc(viewer, "<get-configuration compare=\"rollback\" rollback=\"1\"/>");
        assertTrue(compare.contains("pre-shared-key ascii-text /* SECRET-DATA */;") && compare.contains("+"), compare);
        String cli = rpc(viewer, "<command format=\"text\">show configuration services</command>");
        assertTrue(cli.contains("pre-shared-key ascii-text /* SECRET-DATA */;"), cli);
        String rollback = rpc(viewer, "<command format=\"text\">show system rollback 0</command>");
        assertTrue(rollback.contains("pre-shared-key ascii-text /* SECRET-DATA */;"), rollback);
        for (String shown : List.of(text, filtered, set, xml, json, compare, cli, rollback)) {
            assertFalse(shown.contains("$9$") || shown.contains("$6$") || shown.contains("s3cret"), shown);
        }
        String own = rpc(session(LoginClass.SUPER_USER), "<get-configuration format=\"text\"/>");
        assertTrue(own.contains("pre-shared-key ascii-text &quot;$9$")
                && own.contains("encrypted-password &quot;$6$salt$abcdefghijklmnopqrstuvwxyz0123456789&quot;; ## SECRET-DATA"), own);
    }

    @Test
    void aReadOnlyUserMayRunShowButNotChangeTheConfiguration() throws Exception {
        NetconfSession s = session(LoginClass.READ_ONLY);
        assertTrue(rpc(s, "<edit-config><target><candidate/></target><config><configuration/></config></edit-config>")
                .contains("may not change the configuration"));
        assertTrue(rpc(s, "<commit/>").contains("access-denied"));
        String clear = rpc(s, "<command>clear services ipsec-vpn ike security-associations</command>");
        assertTrue(clear.contains("permission denied: login class read-only may not run 'clear'"), clear);
        String software = rpc(s, "<get-software-information/>");
        assertTrue(software.contains("<product-model>sallyport</product-model>"), software);
        assertTrue(software.contains("<host-name>base</host-name>"), software);
    }

    @Test
    void theChassisInventoryIsTheHostWithTheFirmwaresSerialNumberIfItHasOne() throws Exception {
        String inventory = rpc(session(LoginClass.READ_ONLY), "<get-chassis-inventory/>");
        assertTrue(inventory.contains("<chassis-inventory>\n<chassis style=\"inventory\">\n<name>Chassis</name>"), inventory);
        assertTrue(inventory.contains("<description>Linux host"), inventory);
        java.nio.file.Path serial = java.nio.file.Path.of("/sys/class/dmi/id/product_serial");
        boolean readable = java.nio.file.Files.isReadable(serial) && !java.nio.file.Files.readString(serial).isBlank();
        assertEquals(readable, inventory.contains("<serial-number>"), inventory);
    }

    @Test
    void ansiblesHardwareFactsRpcsAreAnsweredFromTheHost() throws Exception {
        NetconfSession s = session(LoginClass.READ_ONLY);
        String memory = rpc(s, "<get-system-memory-information/>");
        assertTrue(memory.contains("<system-memory-information>\n<system-memory-summary-information>\n<system-memory-total>"), memory);
        String storage = rpc(s, "<get-system-storage/>");
        assertTrue(storage.contains("<mounted-on>/</mounted-on>"), storage);
        assertFalse(storage.contains("rpc-error"), storage);
    }

    @Test
    void commitConfirmedLeavesARollbackPendingUntilACheckConfirmsIt() throws Exception {
        NetconfSession s = session(LoginClass.SUPER_USER);
        rpc(s, "<load-configuration action=\"set\" format=\"text\"><configuration-set>set system host-name confirmed"
                + "</configuration-set></load-configuration>");
        String commit = rpc(s, "<commit-configuration><confirmed/><confirm-timeout>3</confirm-timeout></commit-configuration>");
        assertTrue(commit.contains("<commit-success/>"), commit);
        var pending = ConfigStore.open(state, Clock.systemUTC()).pendingConfirm();
        assertTrue(pending.isPresent(), "a rollback is pending");
        long minutes = java.time.Duration.between(java.time.Instant.now(), pending.get()).toMinutes();
        assertTrue(minutes >= 2 && minutes <= 3, minutes + " minutes");
        assertTrue(rpc(s, "<commit-configuration><check/></commit-configuration>").contains("<commit-check-success/>"));
        assertEquals(Optional.empty(), ConfigStore.open(state, Clock.systemUTC()).pendingConfirm(), "the check confirmed it");
        assertTrue(rpc(s, "<commit><confirmed/><confirm-timeout>soon</confirm-timeout></commit>").contains("bad-element"));
    }

    private static String load(NetconfSession s, String set) {
        String reply = rpc(s, "<load-configuration action=\"set\" format=\"text\"><configuration-set>" + set
                + "</configuration-set></load-configuration>");
        assertTrue(reply.contains("<load-success/>"), reply);
        return reply;
    }

    private String hostName() throws Exception {
        return ConfigStore.open(state, Clock.systemUTC()).active().child("system").flatMap(n -> n.value("host-name")).orElseThrow();
    }

    @Test
    void aPrivateDatabaseIsThisSessionsOwnAndItsCommitMergesOntoOthers() throws Exception {
        NetconfSession mine = session(LoginClass.SUPER_USER);
        NetconfSession other = session(LoginClass.SUPER_USER);
        String open = rpc(mine, "<open-configuration><private/></open-configuration>");
        assertTrue(open.contains("<error-severity>warning</error-severity>")
                && open.contains("uncommitted changes will be discarded on exit") && open.contains("<ok/>"), open);
        var editing = new io.sallyport.config.store.EditingSessions(state, Clock.systemUTC()).list();
        assertEquals(List.of(io.sallyport.config.store.EditingSessions.Mode.PRIVATE),
                editing.stream().map(io.sallyport.config.store.EditingSessions.Session::mode).toList(), "listed by configure and status");

        load(mine, "set system services ssh port 2222");
        assertTrue(rpc(mine, "<get-configuration database=\"candidate\" format=\"set\"/>").contains("ssh port 2222"));
        assertFalse(rpc(other, "<get-configuration database=\"candidate\" format=\"set\"/>").contains("2222"), "the shared candidate has none of it");
        assertTrue(rpc(mine, "<validate><source><candidate/></source></validate>").contains("<ok/>"));

        // Another session commits a different statement meanwhile: the private commit merges onto it.
        load(other, "set system host-name theirs");
        assertTrue(rpc(other, "<commit-configuration/>").contains("<commit-success/>"));
        assertTrue(rpc(mine, "<commit-configuration><log>private</log></commit-configuration>").contains("<commit-success/>"));
        ConfigStore store = ConfigStore.open(state, Clock.systemUTC());
        assertEquals("theirs", hostName());
        assertTrue(io.sallyport.config.ConfigPrinter.setCommands(store.active()).contains("set system services ssh port 2222"));
        assertEquals(io.sallyport.config.store.CommitClient.NETCONF, store.history().getFirst().client());
        assertEquals(Optional.of("private"), store.history().getFirst().comment());
        assertEquals(store.active(), store.candidate(), "the unchanged shared candidate follows");

        // Both change the same statement: Junos refuses the private commit and names it.
        load(mine, "set system host-name mine");
        load(other, "set system host-name again-theirs");
        assertTrue(rpc(other, "<commit/>").contains("<ok/>"));
        String conflict = rpc(mine, "<commit-configuration/>");
        assertTrue(conflict.contains("<error-path>[edit]</error-path>") && conflict.contains("<bad-element>system host-name</bad-element>")
                && conflict.contains("configuration database modified"), conflict);
        assertEquals("again-theirs", hostName(), "nothing of the private copy was committed");

        assertTrue(rpc(mine, "<discard-changes/>").contains("<ok/>"));
        assertFalse(rpc(mine, "<get-configuration database=\"candidate\" format=\"set\"/>").contains("mine"));
        assertTrue(rpc(mine, "<close-configuration/>").contains("<ok/>"));
        assertEquals(List.of(), new io.sallyport.config.store.EditingSessions(state, Clock.systemUTC()).list());
        assertTrue(rpc(mine, "<get-configuration database=\"candidate\" format=\"set\"/>").contains("again-theirs"),
                "after close the session edits the shared candidate again");
    }

    @Test
    void aPrivateDatabaseIsRefusedOverUncommittedSharedChangesAndGoesWithItsSession() throws Exception {
        NetconfSession mine = session(LoginClass.SUPER_USER);
        NetconfSession other = session(LoginClass.SUPER_USER);
        load(other, "set system host-name pending");
        String refused = rpc(mine, "<open-configuration><private/></open-configuration>");
        assertTrue(refused.contains("<error-severity>error</error-severity>") && refused.contains("shared configuration database modified"), refused);
        assertTrue(rpc(other, "<discard-changes/>").contains("<ok/>"));
        assertTrue(rpc(mine, "<open-configuration><private/></open-configuration>").contains("<ok/>"));
        load(mine, "set system host-name uncommitted");
        mine.closed();
        assertEquals(List.of(), new io.sallyport.config.store.EditingSessions(state, Clock.systemUTC()).list());
        assertEquals("base", hostName());
        assertTrue(rpc(session(LoginClass.READ_ONLY), "<open-configuration><private/></open-configuration>").contains("access-denied"));
        String dynamic = rpc(other, "<open-configuration><dynamic/></open-configuration>");
        assertTrue(dynamic.contains("dynamic configuration databases are not supported by Sallyport"), dynamic);
        assertTrue(rpc(other, "<open-configuration><exclusive/></open-configuration>").contains("<ok/>"));
        assertTrue(rpc(other, "<close-configuration/>").contains("<ok/>"));
    }

    @Test
    void closeSessionAnswersOkAndCloses() throws Exception {
        NetconfSession s = session(LoginClass.SUPER_USER);
        NetconfSession.Outcome o = s.handle("<rpc message-id=\"9\"><close-session/></rpc>");
        assertTrue(o.close());
        assertTrue(o.reply().orElseThrow().contains("<ok/>"));
    }
}
