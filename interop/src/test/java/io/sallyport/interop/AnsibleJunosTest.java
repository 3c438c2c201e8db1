package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Debian's Ansible (package {@code ansible}, which bundles the junipernetworks.junos and
 * ansible.netcommon collections) against the packaged daemon as gw-a, its tunnel to strongSwan up:
 * {@code ansible-playbook} runs in gw-a's namespace over NETCONF on 127.0.0.1 (connection
 * {@code ansible.netcommon.netconf}). The playbook (test resource {@code ansible/junos.yml}) asserts
 * what the modules return; this class checks what the daemon did, and then runs the copyable
 * example under examples/ansible/ too.
 */
@Tag("interop")
class AnsibleJunosTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("ans-", Harness.Topology.DIRECT);
    static final Path ANSIBLE_PLAYBOOK = Path.of("/usr/bin/ansible-playbook");
    static final String PASSWORD = "Ans1ble-secret";
    static final String SHOW_IKE = "show services ipsec-vpn ike security-associations";
    static final int NETCONF_PORT = 830;

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    private SallyportDaemon gatewayWithNetconf() {
        String hash = h.run(List.of("openssl", "passwd", "-6", PASSWORD), Map.of(), 10).orThrow().stdout().strip();
        String plain = GatewayConfig.gwA().render();
        String system = """
            system {
                host-name gw-a;
                services { netconf { ssh { port %d; } } }
                login { user automation { class super-user; authentication { encrypted-password "%s"; } } }
            }""".formatted(NETCONF_PORT, hash);
        String config = plain.replace("system { host-name gw-a; }", system);
        assertFalse(config.equals(plain), "GatewayConfig's system block changed shape:\n" + plain);
        return BED.daemon("gw-a", "ansible", config);
    }

    private Path inventory(Path dir) throws IOException {
        Path inventory = dir.resolve("inventory.ini");
        Files.writeString(inventory, """
            [gateways]
            gw-a ansible_host=127.0.0.1 ansible_port=%d

            [gateways:vars]
            ansible_connection=ansible.netcommon.netconf
            ansible_network_os=junipernetworks.junos.junos
            ansible_user=automation
            ansible_password=%s
            """.formatted(NETCONF_PORT, PASSWORD));
        return inventory;
    }

    private Harness.Result playbook(Path inventory, Path playbook, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", h.ns("gw-a"),
            ANSIBLE_PLAYBOOK.toString(), "-i", inventory.toString(), playbook.toString()));
        cmd.addAll(List.of(extra));
        // The daemon's host keys are fresh ones.
        Harness.Result r = h.run(cmd, Map.of("ANSIBLE_HOST_KEY_CHECKING", "False", "ANSIBLE_NOCOLOR", "1"), 300);
        System.out.println("evidence: ansible-playbook " + playbook.getFileName() + " exit " + r.exit() + ":\n" + r.stdout());
        assertEquals(0, r.exit(), "ansible-playbook failed:\n" + r.stdout() + r.stderr());
        return r;
    }

    @Test
    void junosModulesReadAndConfigureTheRunningDaemon() throws IOException {
        assumeTrue(Files.isExecutable(ANSIBLE_PLAYBOOK), "needs Debian's ansible (interop/harness/install-deps.sh)");
        h.peerStart("gw-b", "ikev2-psk", Map.of());
        SallyportDaemon d = gatewayWithNetconf();
        h.waitSa("gw-b", 30).orThrow();

        Path dir = Files.createDirectories(h.stateDir().resolve("ansible"));
        Path inventory = inventory(dir);
        Path playbook = Testbed.repoRoot().resolve("interop/src/test/resources/ansible/junos.yml");
        playbook(inventory, playbook, "-e", "out_dir=" + dir);

        // Hardware facts: the host's memory as free counts it, its root filesystem as df names it.
        String hardware = Files.readString(dir.resolve("hardware.json"));
        System.out.println("evidence: hardware facts " + hardware);
        String memTotal = h.run(List.of("free", "-k"), Map.of(), 10).orThrow().stdout().lines()
            .filter(l -> l.startsWith("Mem:")).findFirst().orElseThrow().split("\\s+")[1];
        assertTrue(hardware.contains("\"memtotal\": " + memTotal + ","), "memtotal " + memTotal + " (kilobytes, as Junos counts): " + hardware);
        String root = h.run(List.of("df", "-P", "/"), Map.of(), 10).orThrow().stdout().lines().skip(1).findFirst().orElseThrow()
            .split("\\s+")[0];
        assertTrue(hardware.contains("\"" + root + "\""), "the root filesystem " + root + " among " + hardware);

        // junos_command's text is the CLI's, and the RPC's XML names strongSwan's SA.
        String show = d.cli(SHOW_IKE);
        assertTrue(show.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")), show);
        assertEquals(show.strip(), Files.readString(dir.resolve("ike.txt")).strip(), "junos_command prints what show prints");
        String spi = h.rawSas("gw-b").ikes().getFirst().initiatorSpi();
        String xml = Files.readString(dir.resolve("ike.xml"));
        assertTrue(xml.contains("<ike-sa-remote-address>192.0.2.2</ike-sa-remote-address>"), xml);
        assertTrue(xml.contains(spi), "strongSwan's IKE SPI " + spi + " in the RPC reply:\n" + xml);

        // The bad line: Junos's message, and neither line committed.
        String bad = Files.readString(dir.resolve("bad.txt"));
        System.out.println("evidence: the failed task's message: " + bad);
        assertTrue(bad.contains("<error-path>[edit system]</error-path>")
            && bad.contains("unknown statement 'no-such-statement'"), bad);

        String system = d.cli("show configuration system");
        assertTrue(system.contains("host-name resource-gw;"), system);
        assertFalse(system.contains("half-applied"), system);
        String commits = d.cli("show system commit");
        System.out.println("evidence:\n" + commits);
        List<String> history = commits.lines().toList();
        int comment = history.indexOf("    from ansible");
        assertTrue(comment > 0, commits);
        assertTrue(history.get(comment - 1).matches("\\d+ +\\S+ \\S+ UTC by automation via netconf"),
            "the newest junos_config commit, as Junos lists it: via netconf\n" + commits);
        assertTrue(history.stream().filter(l -> l.contains(" by sallyport-daemon ")).findFirst().orElseThrow().endsWith(" via other"),
            "the daemon's --config commit came through no client:\n" + commits);
        assertFalse(commits.contains("must not commit"), commits);

        // The copyable example, with this inventory, runs as it stands.
        playbook(inventory, Testbed.repoRoot().resolve("examples/ansible/playbook.yml"), "-e", "host_name=example-gw");
        assertTrue(d.cli("show configuration system").contains("host-name example-gw;"));
        assertTrue(d.cli("show system commit").contains("host name from Ansible"));
    }
}
