package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyTest {
    private static final Map<String, String> FILES = Map.of("r1.conf", "interfaces { }");

    private static Topology parse(String text) throws LabException {
        return Topology.parse(text, "t.lab", name -> {
            String s = FILES.get(name);
            if (s == null) {
                throw new java.io.IOException("no such file");
            }
            return s;
        });
    }

    private static String error(String text) {
        return assertThrows(LabException.class, () -> parse(text)).getMessage();
    }

    @Test
    void parsesRoutersHostsAndLinks() throws Exception {
        Topology t = parse("""
                # comment
                router r1 config r1.conf
                host h1 address 172.16.0.10/16 gateway 172.16.0.1   # trailing comment
                link r1 ge-0/0/1 h1 latency 2ms
                """);
        assertEquals("r1", t.routers().getFirst().name());
        assertEquals("interfaces { }", t.routers().getFirst().configText());
        assertEquals(16, t.hosts().getFirst().prefixLength());
        Topology.LinkSpec l = t.links().getFirst();
        assertEquals(Optional.of("ge-0/0/1.0"), l.a().device());
        assertEquals(Optional.empty(), l.b().device());
        assertEquals(2_000_000L, l.latencyNanos());
        assertEquals(4, l.line());
    }

    @Test
    void errorsNameTheLine() {
        assertEquals("t.lab:2: unknown node r2 (declare routers and hosts before links)",
                error("router r1 config r1.conf\nlink r1 ge-0/0/0 r2 ge-0/0/0\n"));
        assertEquals("t.lab:1: cannot read configuration missing.conf: no such file",
                error("router r1 config missing.conf"));
        assertEquals("t.lab:1: not an IPv4 address: 172.16.0",
                error("host h1 address 172.16.0/16 gateway 172.16.0.1"));
        assertEquals("t.lab:3: node r1 is declared twice",
                error("router r1 config r1.conf\n\nrouter r1 config r1.conf"));
        assertEquals("t.lab:1: unknown statement 'switch' (expected router, host, link or pki)", error("switch s1"));
        assertEquals("t.lab:1: unknown router r9 (declare it before its pki lines)",
                error("pki r9 request security pki ca-certificate load ca-profile p filename ca.pem"));
        assertEquals("t.lab:2: expected 'pki ROUTER request security pki ...'", error("router r1 config r1.conf\npki r1 show x"));
        assertEquals("t.lab:2: router r1 needs an interface name in a link", error("router r1 config r1.conf\nlink r1"));
        assertTrue(error("host h1 address 10.0.0.2/24 gateway 10.0.0.1\nlink h1 h1").contains("two different nodes"));
    }

    @Test
    void aLinkToAnUnaddressedInterfaceIsRefusedWithTheInterfacesThatExist() throws Exception {
        Topology t = Topology.parse("""
                router r1 config r1.conf
                host h1 address 10.9.0.2/24 gateway 10.9.0.1
                link r1 ge-9/9/9 h1
                """, "t.lab", name -> "interfaces { ge-0/0/0 { unit 0 { family inet { address 10.9.0.1/24; } } } }");
        String message = assertThrows(LabException.class, () -> Lab.start(t)).getMessage();
        assertEquals("t.lab:3: r1 has no interface ge-9/9/9.0 with a family inet address (it has: ge-0/0/0.0)", message);
    }
}
