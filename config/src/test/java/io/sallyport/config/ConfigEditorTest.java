package io.sallyport.config;

import io.sallyport.config.Node.PathElement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration-mode edits relative to an edit level, as the CLI performs them. */
class ConfigEditorTest {

    @Test
    void setAndDeleteRelativeToAnEditLevel() throws ConfigSyntaxException {
        List<PathElement> level = ConfigEditor.editLevel(List.of(), "services service-set S1 ipsec-vpn-options");
        assertEquals(List.of("services", "service-set", "S1", "ipsec-vpn-options"), ConfigEditor.words(level));
        Node root = ConfigEditor.set(Node.root(), level, "local-gateway 192.0.2.1 routing-instance wan");
        root = ConfigEditor.set(root, level, "tunnel-mtu 1400");
        assertTrue(ConfigEditor.exists(root, level, "tunnel-mtu"));
        assertEquals("""
            set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1
            set services service-set S1 ipsec-vpn-options local-gateway routing-instance wan
            set services service-set S1 ipsec-vpn-options tunnel-mtu 1400
            """, ConfigPrinter.setCommands(root));
        root = ConfigEditor.delete(root, level, "local-gateway routing-instance");
        root = ConfigEditor.delete(root, level, "tunnel-mtu");
        assertFalse(ConfigEditor.exists(root, level, "tunnel-mtu"));
        assertEquals("set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1\n", ConfigPrinter.setCommands(root));
        assertEquals("set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1\n",
            ConfigPrinter.setCommands(root, level.subList(0, 3)));
    }

    @Test
    void deletingTheLastChildRemovesEmptyContainersUpward() throws ConfigSyntaxException {
        Node root = ConfigEditor.set(Node.root(), List.of(), "services ipsec-vpn disable-natt");
        root = ConfigEditor.delete(root, List.of(), "services ipsec-vpn disable-natt");
        assertEquals(Node.root(), root);
    }

    @Test
    void editLevelMustBeAHierarchy() {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.editLevel(List.of(), "services ipsec-vpn disable-natt"));
        assertTrue(e.detail().contains("not a hierarchy level"), e.detail());
    }

    @Test
    void deactivateNeedsAnExistingStatement() throws ConfigSyntaxException {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.deactivate(Node.root(), List.of(), "services ipsec-vpn disable-natt"));
        assertEquals("statement not found", e.detail());
        Node root = ConfigEditor.set(Node.root(), List.of(), "services ipsec-vpn disable-natt");
        root = ConfigEditor.deactivate(root, List.of(), "services ipsec-vpn disable-natt");
        assertTrue(ConfigPrinter.braces(root).contains("inactive: disable-natt;"));
        root = ConfigEditor.activate(root, List.of(), "services ipsec-vpn disable-natt");
        assertFalse(ConfigPrinter.braces(root).contains("inactive"));
    }

    @Test
    void valuesAreCheckedOnSet() {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.set(Node.root(), List.of(), "services service-set S1 ipsec-vpn-options anti-replay-window-size 32"));
        assertEquals("Value 32 is not within range (64..4096)", e.detail());
        ConfigSyntaxException addr = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.set(Node.root(), List.of(), "services ipsec-vpn rule r term t then remote-gateway 300.1.1.1"));
        assertEquals("Invalid IP address: '300.1.1.1'", addr.detail());
        ConfigSyntaxException name = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.set(Node.root(), List.of(), "security pki ca-profile a.b ca-identity x"));
        assertTrue(name.detail().contains("must not contain '/', '%', '.' or a space"), name.detail());
    }

    @Test
    void inactiveOneLineStatementIsInactiveAsAWhole() throws ConfigSyntaxException {
        Node root = ConfigText.parse("routing-options { static { inactive: route 198.51.100.0/24 next-hop ms-1/2/0.1; } }");
        Node route = root.child("routing-options").flatMap(r -> r.child("static")).flatMap(s -> s.child("route", "198.51.100.0/24")).orElseThrow();
        assertTrue(route.inactive());
        assertFalse(route.child("next-hop").orElseThrow().inactive());
        assertEquals(root, ConfigText.parse(ConfigPrinter.setCommands(root)));
    }

    @Test
    void aMistypedBareValueIsReportedAsAValue() {
        ConfigSyntaxException gw = assertThrows(ConfigSyntaxException.class, () -> ConfigEditor.set(Node.root(), List.of(),
            "services service-set S1 ipsec-vpn-options local-gateway 300.1.1.1"));
        assertEquals("syntax error: Invalid IP address: '300.1.1.1' (allowed here: <address>, routing-instance, "
            + "gw-interface, interface)", gw.detail());
        ConfigSyntaxException ifd = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.set(Node.root(), List.of(), "interfaces ge-0/0 unit 0"));
        assertTrue(ifd.detail().startsWith("syntax error: Invalid interface-name: 'ge-0/0'"), ifd.detail());
        ConfigSyntaxException word = assertThrows(ConfigSyntaxException.class,
            () -> ConfigEditor.set(Node.root(), List.of(), "interfaces unit-x"));
        assertTrue(word.detail().startsWith("syntax error: unknown statement 'unit-x'"), word.detail());
    }
}
