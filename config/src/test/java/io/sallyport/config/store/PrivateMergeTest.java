package io.sallyport.config.store;

import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** configure private: changes merge onto a commit made meanwhile unless both touched one statement. */
class PrivateMergeTest {

    static Node tree(String setCommands) throws Exception {
        return ConfigText.parse(setCommands);
    }

    static final String BASE = """
        set system host-name base
        set services service-set S1 ipsec-vpn-options tunnel-mtu 1400
        set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1
        """;

    @Test
    void changesToDifferentStatementsMerge() throws Exception {
        Node base = tree(BASE);
        Node mine = tree(BASE + "set services ipsec-vpn establish-tunnels immediately\ndelete services service-set S1 ipsec-vpn-options tunnel-mtu\n");
        Node theirs = tree(BASE + "set system host-name theirs\n");
        PrivateMerge.Result r = PrivateMerge.merge(base, mine, theirs);
        assertEquals(new PrivateMerge.Result.Merged(tree("""
            set system host-name theirs
            set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1
            set services ipsec-vpn establish-tunnels immediately
            """)), r);
    }

    @Test
    void bothChangingOneStatementConflicts() throws Exception {
        Node base = tree(BASE);
        Node mine = tree(BASE + "set system host-name mine\n");
        Node theirs = tree(BASE + "set system host-name theirs\n");
        PrivateMerge.Result r = PrivateMerge.merge(base, mine, theirs);
        assertEquals(new PrivateMerge.Result.Conflict(List.of("system host-name")), r);
    }

    @Test
    void changingWhatTheOtherDeletedConflicts() throws Exception {
        Node base = tree(BASE);
        Node mine = tree(BASE + "set services service-set S1 ipsec-vpn-options tunnel-mtu 1500\n");
        Node theirs = tree(BASE + "delete services service-set S1 ipsec-vpn-options tunnel-mtu\n");
        assertInstanceOf(PrivateMerge.Result.Conflict.class, PrivateMerge.merge(base, mine, theirs));
    }

    @Test
    void statementsDropTheirValue() {
        assertEquals("system host-name", PrivateMerge.statement("set system host-name r1"));
        assertEquals("services ipsec-vpn ike policy p1 pre-shared-key ascii-text",
                PrivateMerge.statement("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"$9$a b\""));
    }
}
