package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperationalCatalogTest {
    private final OperationalCatalog catalog = new OperationalCatalog();

    private List<String> words(List<String> typed) {
        return catalog.next(typed).stream().map(HelpLine::word).toList();
    }

    @Test
    void topLevelOffersTheDaemonCommandsAndTheShellOwn() {
        assertEquals(List.of("clear", "configure", "exit", "file", "help", "monitor", "ping", "quit", "request", "show", "traceroute"),
                words(List.of()));
    }

    @Test
    void walksTheFixedWordsOfShowCommands() {
        assertEquals(List.of("configuration", "log", "ospf", "route", "security", "services", "system", "version"), words(List.of("show")));
        assertEquals(List.of("interface", "neighbor"), words(List.of("show", "ospf")));
        assertEquals(List.of("ipsec-vpn", "service-sets"), words(List.of("show", "services")));
        assertEquals(List.of("certificates", "drops", "ike", "ipsec", "negotiation-times"), words(List.of("show", "services", "ipsec-vpn")));
        assertEquals(List.of("security-associations", "statistics"), words(List.of("show", "services", "ipsec-vpn", "ike")));
    }

    @Test
    void offersOptionsOnceTheCommandIsComplete() {
        List<String> next = words(List.of("show", "services", "ipsec-vpn", "ipsec", "security-associations"));
        assertTrue(next.containsAll(List.of("brief", "detail", "extensive", "hex", "<service-set>")), next::toString);
        List<String> afterDetail = words(List.of("show", "services", "ipsec-vpn", "ipsec", "security-associations", "detail"));
        assertTrue(!afterDetail.contains("detail") && afterDetail.contains("hex"), afterDetail::toString);
    }

    @Test
    void showRouteOffersItsProtocolsAndTables() {
        List<HelpLine> next = catalog.next(List.of("show", "route"));
        assertEquals(List.of("<protocol>", "<table>", "protocol", "table"), next.stream().map(HelpLine::word).toList());
        assertTrue(next.stream().anyMatch(h -> h.word().equals("<protocol>") && h.render().contains("direct, local, static or ospf")),
                next::toString);
        assertTrue(next.stream().anyMatch(h -> h.word().equals("<table>") && h.render().contains("NAME.inet.0")), next::toString);
    }

    @Test
    void helpTextComesWithEachWord() {
        HelpLine show = catalog.next(List.of()).stream().filter(h -> h.word().equals("show")).findFirst().orElseThrow();
        assertEquals("  show                 Show system information", show.render());
    }
}
