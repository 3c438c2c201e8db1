package io.sallyport.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli commands, run in-process with their output captured. */
class MainTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path file(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void helpListsTheCommands() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("config") && out.toString().contains("cli"), out::toString);
    }

    @Test
    void versionNamesTheProject() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("sallyport "), out::toString);
    }

    @Test
    void configCheckPassesTheReferenceExample() {
        Path example = EXAMPLES.resolve("ms-mpc-next-hop/router1.conf");
        assertEquals(0, run("config", "check", example.toString()), err::toString);
        assertTrue(out.toString().endsWith("configuration check succeeds\n"), out::toString);
    }

    @Test
    void configCheckFailsWithTheJunosFrame() throws IOException {
        Path bad = file("bad.conf", """
                services {
                    service-set S1 {
                        next-hop-service {
                            inside-service-interface ms-1/2/0.1;
                            outside-service-interface ms-1/2/0.2;
                        }
                        ipsec-vpn-rules missing-rule;
                    }
                }
                """);
        assertEquals(1, run("config", "check", bad.toString()));
        assertTrue(err.toString().contains("[edit services service-set S1"), err::toString);
        assertTrue(err.toString().endsWith("error: commit failed: (statements constraint check failed)\n"), err::toString);
    }

    @Test
    void configCheckReportsSyntaxErrorsWithLineAndColumn() throws IOException {
        Path bad = file("syntax.conf", "system {\n    host-nam r1;\n}\n");
        assertEquals(1, run("config", "check", bad.toString()));
        assertTrue(err.toString().startsWith(bad + ": line 2, column 5: "), err::toString);
    }

    @Test
    void configShowPrintsEachDisplayForm() throws IOException {
        Path f = file("r1.conf", "set system host-name r1\n");
        assertEquals(0, run("config", "show", f.toString()));
        assertEquals("system {\n    host-name r1;\n}\n", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("config", "show", f.toString(), "--display", "set"));
        assertEquals("set system host-name r1\n", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("config", "show", f.toString(), "--display", "xml"));
        assertTrue(out.toString().contains("<host-name>r1</host-name>"), out::toString);
        out.getBuffer().setLength(0);
        assertEquals(0, run("config", "show", f.toString(), "--display", "json"));
        assertTrue(out.toString().contains("\"host-name\" : \"r1\""), out::toString);
    }

    @Test
    void cliRunsOneCommandInTheGivenStateDirectory() {
        String dir = tmp.resolve("state").toString();
        assertEquals(0, run("cli", "--state-dir", dir, "-c", "configure; set system host-name r5; commit"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("cli", "--state-dir", dir, "-c", "show configuration | display set"));
        assertEquals("set system host-name r5\n", out.toString());
        assertEquals(1, run("cli", "--state-dir", dir, "-c", "show services ipsec-vpn ike security-associations"));
        assertTrue(err.toString().startsWith("error: the Sallyport daemon is not running"), err::toString);
    }

    @Test
    void stateDirectoryDefaults() {
        Path home = Path.of("/home/alice");
        assertEquals(Path.of("/srv/sp"), StateDirectory.resolve(Map.of("SALLYPORT_STATE_DIR", "/srv/sp"), "alice", home));
        assertEquals(Path.of("/var/lib/sallyport"), StateDirectory.resolve(Map.of(), "root", home));
        assertEquals(home.resolve(".local/state/sallyport"), StateDirectory.resolve(Map.of(), "alice", home));
    }
}
