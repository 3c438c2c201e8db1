package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command processor without a terminal: modes, editing, commit, rollback, errors, help. */
class ShellTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = newShell();
    }

    private Shell newShell() throws IOException {
        return new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "lab-host");
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    private String fails(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.ERROR, r.status(), () -> "'" + line + "' should fail but printed:\n" + r.text());
        return r.text();
    }

    @Test
    void aGuardJudgesTheExpandedCommandAndItsRefusalIsPrinted() {
        List<List<String>> asked = new java.util.ArrayList<>();
        shell.guardedBy((configurationMode, words) -> {
            asked.add(words);
            return words.getFirst().equals("configure") ? java.util.Optional.of("error: permission denied\n")
                    : java.util.Optional.empty();
        });
        assertEquals("error: permission denied\n", fails("conf"));
        assertFalse(shell.inConfigurationMode());
        assertEquals(List.of(List.of("configure")), asked);
    }

    @Test
    void promptShowsModeAndHostNameFromTheActiveConfiguration() {
        assertEquals("alice@lab-host> ", shell.prompt());
        assertEquals("Entering configuration mode\n", ok("configure"));
        assertEquals("alice@lab-host# ", shell.prompt());
        ok("set system host-name r1");
        assertEquals("alice@lab-host# ", shell.prompt(), "only the committed host name counts");
        assertTrue(ok("commit").endsWith("commit complete\n"));
        assertEquals("alice@r1# ", shell.prompt());
        assertEquals("Exiting configuration mode\n", ok("exit"));
        assertEquals("alice@r1> ", shell.prompt());
    }

    @Test
    void showCompareListsTheUncommittedChangesAndCommitClearsThem() {
        ok("configure");
        ok("set system host-name r1");
        String diff = ok("show | compare");
        assertEquals("[edit]\n+   system {\n+       host-name r1;\n+   }\n", diff);
        ok("commit");
        assertEquals("", ok("show | compare"));
        ok("set system host-name r2");
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("edit system");
        assertEquals("[edit system]\n-   host-name r1;\n+   host-name r2;\n", ok("show | compare"),
                "at a level, only that level's changes");
    }

    @Test
    void editUpTopMoveTheLevelAndShowPrintsAtTheLevel() {
        ok("configure");
        assertEquals("[edit]", shell.banner());
        ok("edit services ipsec-vpn");
        assertEquals("[edit services ipsec-vpn]", shell.banner());
        ok("set ike proposal p1 dh-group group14");
        String shown = ok("show");
        assertTrue(shown.startsWith("ike {\n    proposal p1 {\n        dh-group group14;"), shown);
        assertEquals("set services ipsec-vpn ike proposal p1 dh-group group14\n", ok("show | display set"));
        ok("up");
        assertEquals("[edit services]", shell.banner());
        ok("edit ipsec-vpn ike proposal p1");
        assertEquals("[edit services ipsec-vpn ike proposal p1]", shell.banner());
        ok("top");
        assertEquals("[edit]", shell.banner());
        ok("edit services");
        ok("exit");
        assertEquals("[edit]", shell.banner(), "exit below the top goes back where edit came from");
        assertTrue(shell.inConfigurationMode());
    }

    @Test
    void deleteDeactivateAndActivate() {
        ok("configure");
        ok("set system host-name r1");
        ok("deactivate system host-name");
        assertTrue(ok("show system").contains("inactive: host-name r1;"), ok("show system"));
        ok("activate system host-name");
        assertFalse(ok("show system").contains("inactive"));
        ok("delete system host-name");
        assertEquals("", ok("show"));
        assertEquals("warning: statement not found\n", ok("delete system host-name"));
    }

    @Test
    void rollbackLoadsAnEarlierCommitIntoTheCandidate() {
        ok("configure");
        ok("set system host-name r1");
        ok("commit");
        ok("set system host-name r2");
        ok("commit");
        assertEquals("load complete\n", ok("rollback 1"));
        assertTrue(ok("show system").contains("host-name r1;"));
        String diff = ok("show | compare");
        assertTrue(diff.contains("-   host-name r2;") && diff.contains("+   host-name r1;"), diff);
        assertTrue(fails("rollback 50").contains("(0..49)"));
    }

    @Test
    void unknownStatementPointsAtTheWordAndSaysWhatIsAllowed() {
        shell.echoCommandOnError(true);
        ok("configure");
        String err = fails("set services frobnicate");
        assertEquals("set services frobnicate\n" + " ".repeat(13) + "^\n", err.substring(0, err.indexOf("^\n") + 2));
        assertTrue(err.contains("unknown statement 'frobnicate'"), err);
        assertTrue(err.contains("service-set"), "names the statements allowed there: " + err);
    }

    @Test
    void valueOutOfRangeNamesTheRange() {
        ok("configure");
        String err = fails("set services ipsec-vpn ike proposal p1 lifetime-seconds 5");
        assertTrue(err.contains("not within range (180..86400)"), err);
    }

    @Test
    void caretLinesUpWithThePromptInteractively() {
        String err = fails("frobnicate");
        assertEquals(" ".repeat("alice@lab-host> ".length()) + "^\nunknown command.\n", err);
    }

    @Test
    void failedCommitPrintsTheJunosFrameAndKeepsTheActiveConfiguration() {
        ok("configure");
        ok("set services service-set S1 ipsec-vpn-rules missing-rule");
        ok("set services service-set S1 next-hop-service inside-service-interface ms-1/2/0.1");
        String err = fails("commit");
        assertTrue(err.contains("[edit services service-set S1"), err);
        assertTrue(err.endsWith("error: commit failed: (statements constraint check failed)\n"), err);
        assertFalse(fails("commit check").contains("configuration check succeeds"));
        assertTrue(ok("run show configuration").isEmpty(), "nothing was committed");
    }

    @Test
    void candidateSurvivesANewSession() throws IOException {
        ok("configure");
        ok("set system host-name r7");
        shell = newShell();
        assertTrue(ok("configure").contains("The configuration has been changed but not committed"));
        assertTrue(ok("show system").contains("host-name r7;"));
    }

    @Test
    void questionMarkListsStatementsWithTheirHelp() {
        ok("configure");
        String help = ok("set services ?");
        assertTrue(help.startsWith("Possible completions:\n"), help);
        assertTrue(help.lines().anyMatch(l -> l.matches("  ipsec-vpn +\\S.*")), help);
        assertTrue(help.lines().anyMatch(l -> l.matches("  service-set +\\S.*")), help);
        assertTrue(ok("set services ipsec-vpn ike proposal p1 lifetime-seconds ?").contains("<180..86400>"));
        String commands = ok("?");
        assertTrue(commands.contains("  commit               Commit current set of changes"), commands);
        assertEquals("No valid completions\n", fails("set frobnicate ?"));
    }

    @Test
    void questionMarkInOperationalModeListsCommands() {
        String help = ok("?");
        assertTrue(help.contains("  configure            Manipulate software configuration information"), help);
        assertTrue(ok("show services ipsec-vpn ?").contains("  ike "), "ike and ipsec follow ipsec-vpn");
        assertTrue(ok("show | ?").contains("  match "), "pipe commands after |");
    }

    @Test
    void tabCompletesKeywordsEnumerationsAndExistingKeys() {
        assertEquals(List.of("configure"), shell.complete("conf"));
        ok("configure");
        assertEquals(List.of("services"), shell.complete("set serv"));
        assertTrue(shell.complete("set services ipsec-vpn ike proposal p1 authentication-method ").contains("pre-shared-keys"));
        ok("set services service-set S1 next-hop-service inside-service-interface ms-1/2/0.1");
        assertTrue(shell.complete("edit services service-set ").contains("S1"));
        ok("set interfaces ms-1/2/0 unit 1 family inet");
        assertEquals(List.of("ms-1/2/0"), shell.complete("set interfaces ms"), "keyless list entries too");
        assertEquals(List.of("compare"), shell.complete("show | comp"));
        assertTrue(shell.complete("run show services ipsec-vpn i").containsAll(List.of("ike", "ipsec")));
    }

    @Test
    void pipesFilterConfigurationOutput() {
        ok("configure");
        ok("set system host-name r1");
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("set services ipsec-vpn ike proposal p2 dh-group group19");
        assertEquals("set services ipsec-vpn ike proposal p2 dh-group group19\n",
                ok("show | display set | match group19"));
        assertEquals("Count: 2 lines\n", ok("show | display set | match proposal | count"));
        assertEquals("set system host-name r1\n", ok("show | display set | except services"));
    }

    @Test
    void operationalCommandsWithoutADaemonSayItIsNotRunning() {
        String err = fails("show services ipsec-vpn ike security-associations");
        assertEquals("error: the Sallyport daemon is not running (no control socket at "
                + state.resolve("sallyport.sock") + ")\n", err);
        assertTrue(fails("show services ipsec-vpn frob").endsWith(": frob\n") && fails("show services ipsec-vpn frob").contains("^\nsyntax error"),
                "checked before the daemon is asked, the caret under the word at fault");
    }

    @Test
    void showConfigurationComesFromTheStoreWithoutADaemon() {
        ok("configure");
        ok("set system host-name r1");
        ok("commit and-quit");
        assertFalse(shell.inConfigurationMode());
        String shown = ok("show configuration");
        assertTrue(shown.matches("## Last commit: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC by alice\n"
                + "system \\{\n    host-name r1;\n\\}\n"), shown);
        assertEquals("set system host-name r1\n", ok("show configuration | display set"), "no header in set form");
        assertEquals("host-name r1;\n", ok("show configuration system"));
    }

    @Test
    void unambiguousPrefixesOfKeywordsAreAccepted() {
        ok("conf");
        ok("set sys host-name r1");
        ok("set services ipsec-vpn ike proposal p1 authentication-method pre");
        ok("commit and-q");
        assertEquals("set system host-name r1\n", ok("sh conf sys | display set"));
        assertTrue(ok("show configuration services | display set").contains("authentication-method pre-shared-keys"));
        assertEquals(" ".repeat("alice@r1> ".length()) + "^\n'c' is ambiguous.\nPossible completions:\n"
                + "  clear                Clear information in the system\n"
                + "  configure            Manipulate software configuration information\n", fails("c"));
    }

    @Test
    void helpIsSortedWithPlaceholdersFirst() {
        ok("configure");
        List<String> words = shell.help("set services ").stream().map(HelpLine::word).toList();
        assertEquals(List.of("ipsec-vpn", "service-set"), words);
        List<String> show = shell.help("show system ").stream().map(HelpLine::word).toList();
        assertEquals("<[Enter]>", show.getFirst());
    }

    @Test
    void loadOverrideMergeAndSetFromFiles() throws IOException {
        Path braces = state.resolve("base.conf");
        java.nio.file.Files.writeString(braces, "system {\n    host-name r1;\n}\n");
        Path sets = state.resolve("more.set");
        java.nio.file.Files.writeString(sets, "set services ipsec-vpn ike proposal p1 dh-group group14\n");
        ok("configure");
        ok("set services ipsec-vpn ike proposal p0 dh-group group2");
        assertEquals("load complete\n", ok("load override " + braces));
        assertEquals("set system host-name r1\n", ok("show | display set"));
        ok("load set " + sets);
        ok("load merge " + braces);
        assertEquals("set system host-name r1\nset services ipsec-vpn ike proposal p1 dh-group group14\n", ok("show | display set"));
        assertTrue(fails("load merge " + state.resolve("missing.conf")).startsWith("error: could not read"));
    }

    @Test
    void deleteAloneClearsTheLevel() {
        shell.confirmPrompt(question -> java.util.Optional.of(true));
        ok("configure");
        ok("set system host-name r1");
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("edit services");
        ok("delete");
        ok("top");
        assertEquals("set system host-name r1\n", ok("show | display set"));
        ok("delete");
        assertEquals("", ok("show"));
    }

    @Test
    void rollbackQuestionMarkListsTheCommitsNewestFirst() {
        ok("configure");
        for (int i = 1; i <= 12; i++) {
            ok("set system host-name r" + i);
            ok("commit");
        }
        List<HelpLine> help = shell.help("rollback ");
        assertEquals(List.of("<[Enter]>", "<number>", "0", "1", "2"), help.stream().limit(5).map(HelpLine::word).toList());
        assertEquals("11", help.getLast().word(), "indexes in numeric order");
        assertTrue(help.get(2).help().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC by alice via cli"), help.get(2).help());
        assertTrue(ok("rollback ?").contains("\n  0                    2"), "the ? typed at the end of the line lists them too");
        assertEquals("load complete\n", ok("rollback 11"));
    }

    @Test
    void commitCommentAppearsInTheCommitHistory() {
        ok("configure");
        ok("set system host-name r1");
        ok("commit");
        ok("set system host-name r2");
        ok("commit comment \"renamed to r2\"");
        ok("exit");
        List<String> lines = ok("show system commit").lines().toList();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("0   \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC by alice via cli"), lines.get(0));
        assertEquals("    renamed to r2", lines.get(1));
        assertTrue(lines.get(2).startsWith("1   "), lines.get(2));
    }

    @Test
    void showSystemCommitSaysHowEachCommitWasMade() throws Exception {
        ok("configure");
        ok("set system host-name r1");
        ok("commit");
        ok("exit");
        var store = io.sallyport.config.store.ConfigStore.open(state);
        store.setCandidate(io.sallyport.config.ConfigText.parse("set system host-name r2"));
        store.commit("robot", io.sallyport.config.store.CommitClient.NETCONF, java.util.Optional.of("from pyez"));
        List<String> lines = ok("show system commit").lines().toList();
        assertTrue(lines.get(0).matches("0   \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC by robot via netconf"), lines.get(0));
        assertEquals("    from pyez", lines.get(1));
        assertTrue(lines.get(2).matches("1   .* by alice via cli"), lines.get(2));
        ok("configure");
        assertTrue(shell.help("rollback ").get(2).help().endsWith("by robot via netconf"), "rollback ? says it too");
    }

    @Test
    void displayXmlAndJsonAtALevelKeepTheFullPath() {
        ok("configure");
        ok("set system host-name r1");
        ok("edit services ipsec-vpn ike proposal p1");
        ok("set dh-group group14");
        assertEquals("""
                <configuration>
                    <services>
                        <ipsec-vpn>
                            <ike>
                                <proposal>
                                    <name>p1</name>
                                    <dh-group>group14</dh-group>
                                </proposal>
                            </ike>
                        </ipsec-vpn>
                    </services>
                </configuration>
                """, ok("show | display xml"));
        assertTrue(ok("show | display json").contains("\"dh-group\" : \"group14\""));
        assertFalse(ok("show | display json").contains("host-name"), "only the level's statements");
        ok("top");
        assertEquals("<configuration>\n</configuration>\n", ok("show interfaces | display xml"));
    }

    @Test
    void exitInOperationalModeEndsTheSession() {
        assertEquals(Reply.Status.EXIT, shell.execute("exit").status());
    }
}
