package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.linux.RtRequest.Change;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our rtnetlink messages against the bytes iproute2 6.1 sent for the same {@code ip} commands,
 * and our reading of the kernel's answers against the answers it got: the vectors in
 * {@code rtnetlink/iproute2-requests.txt}, captured with strace by
 * {@code rtnetlink/capture-iproute2.sh} (kernel 6.18) in a throw-away namespace where veth spnl0
 * had index 3 and TUN spnl2 index 4. Each case's command line is also what
 * {@link LinuxNetworkControl} would run, so both controls name the change alike.
 */
class RtRequestEncodingTest {

    private static final int SPNL0 = 3;
    private static final int SPNL2 = 4;

    /** One captured exchange: what ip sent, what the kernel answered, and what ip printed, if anything. */
    private record Vector(String request, String answer, Optional<String> ipSaid) {
    }

    private record Case(List<String> args, RtRequest request) {
        String command() {
            return "ip " + String.join(" ", args);
        }
    }

    private static final Map<String, Vector> VECTORS = load();

    private static Map<String, Vector> load() {
        final Map<String, Vector> vectors = new LinkedHashMap<>();
        try (InputStream in = RtRequestEncodingTest.class.getResourceAsStream("/rtnetlink/iproute2-requests.txt")) {
            assertNotNull(in, "rtnetlink/iproute2-requests.txt");
            final List<String> lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("> ")) {
                    continue;
                }
                final String command = lines.get(i).substring(2);
                Optional<String> said = Optional.empty();
                int at = i + 1;
                if (lines.get(at).startsWith("# ip said: ")) {
                    said = Optional.of(lines.get(at).substring("# ip said: ".length()));
                    at++;
                }
                // A command captured twice (the second time to see the refusal) keeps both answers apart.
                final String key = vectors.containsKey(command) ? command + " (again)" : command;
                vectors.put(key, new Vector(lines.get(at), lines.get(at + 1).substring(2), said));
            }
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        return vectors;
    }

    private static InetAddress addr(final String s) {
        try {
            return InetAddress.getByName(s);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Case route(final Change change, final Route route, final int device) {
        return new Case(IpCommands.route(change == Change.ADD ? "add" : "del", route),
                new RtRequest.RouteChange(change, route, device));
    }

    private static Case rule(final Change change, final PolicyRule rule) {
        return new Case(IpCommands.rule(change == Change.ADD ? "add" : "del", rule), RtRequest.RuleChange.of(change, rule));
    }

    private static Case markRule(final Change change, final int priority, final int mark, final int table) {
        return new Case(IpCommands.markRule(change == Change.ADD ? "add" : "del", priority, mark, table),
                RtRequest.RuleChange.ofMark(change, priority, mark, table));
    }

    private static List<Case> cases() {
        final Route devMetric = Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").withMetric(5);
        final Route viaSrcTable = Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").via(addr("198.18.99.2"))
                .withSource(addr("198.18.99.1")).inTable(220);
        final Route v6 = Route.toDevice(IpPrefix.parse("2001:db8:5::/64"), "spnl0").via(addr("2001:db8:99::2"))
                .withMetric(7);
        final PolicyRule iifRule = new PolicyRule(100, Optional.of(IpPrefix.parse("198.18.1.0/24")),
                Optional.of(IpPrefix.parse("198.18.2.0/24")), Optional.of("spnl0"), 10);
        final HostAddress v4Address = new HostAddress("spnl2", addr("198.18.99.5"), 30);
        final HostAddress v6Address = new HostAddress("spnl2", addr("2001:db8:98::1"), 64);
        return List.of(
                route(Change.ADD, devMetric, SPNL0),
                route(Change.DELETE, devMetric, SPNL0),
                route(Change.ADD, viaSrcTable, SPNL0),
                route(Change.DELETE, viaSrcTable, SPNL0),
                route(Change.ADD, Route.toDevice(IpPrefix.parse("203.0.113.0/24"), "spnl0").inTable(1000), SPNL0),
                route(Change.ADD, Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").via(addr("203.0.113.1")), SPNL0),
                route(Change.ADD, Route.toDevice(IpPrefix.parse("198.51.100.7/32"), "spnl0"), SPNL0),
                route(Change.ADD, Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000), 0),
                route(Change.DELETE, Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000), 0),
                route(Change.ADD, v6, SPNL0),
                route(Change.DELETE, v6, SPNL0),
                route(Change.ADD, Route.unreachable(IpPrefix.parse("::/0"), 2000), 0),
                route(Change.DELETE, Route.unreachable(IpPrefix.parse("::/0"), 2000), 0),
                route(Change.ADD, Route.toDevice(IpPrefix.parse("2001:db8:6::/64"), "spnl0"), SPNL0),
                rule(Change.ADD, iifRule),
                rule(Change.DELETE, iifRule),
                rule(Change.ADD, new PolicyRule(101, Optional.of(IpPrefix.parse("2001:db8:1::/48")), Optional.empty(),
                        Optional.empty(), 1000)),
                rule(Change.ADD, new PolicyRule(102, Optional.empty(), Optional.of(IpPrefix.parse("198.18.3.0/24")),
                        Optional.empty(), 2000)),
                markRule(Change.ADD, 90, 300, 300),
                markRule(Change.DELETE, 90, 300, 300),
                new Case(IpCommands.linkUp("spnl2", true), new RtRequest.LinkUp(SPNL2, true)),
                new Case(IpCommands.linkUp("spnl2", false), new RtRequest.LinkUp(SPNL2, false)),
                new Case(IpCommands.address(v4Address), new RtRequest.AddressAdd(v4Address, SPNL2)),
                new Case(IpCommands.address(v6Address), new RtRequest.AddressAdd(v6Address, SPNL2)),
                new Case(IpCommands.linkDelete("spnl2"), new RtRequest.LinkDelete(SPNL2)));
    }

    private static int sequenceOf(final byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).getInt(8);
    }

    @TestFactory
    Stream<DynamicTest> eachRequestIsTheMessageIproute2Sent() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.command(), () -> {
            final Vector vector = VECTORS.get(c.command());
            assertNotNull(vector, "no captured vector for '" + c.command() + "'");
            final byte[] expected = HexFormat.of().parseHex(vector.request());
            assertEquals(vector.request(), HexFormat.of().formatHex(c.request().encode(sequenceOf(expected))));
        }));
    }

    @Test
    void everyCapturedCommandHasACase() {
        final List<String> covered = cases().stream().map(Case::command).toList();
        for (final String command : VECTORS.keySet()) {
            assertTrue(covered.contains(command.replace(" (again)", "")), command);
        }
    }

    private static Optional<RtNetlink.Ack> answerTo(final String command) {
        final Vector v = VECTORS.get(command);
        final byte[] answer = HexFormat.of().parseHex(v.answer());
        return RtNetlink.Ack.find(answer, answer.length, sequenceOf(HexFormat.of().parseHex(v.request())));
    }

    @Test
    void theKernelsAcknowledgementsReadAsSuccess() {
        for (final Map.Entry<String, Vector> e : VECTORS.entrySet()) {
            if (e.getValue().ipSaid().isEmpty()) {
                assertEquals(Optional.of(new RtNetlink.Ack(0, Optional.empty())), answerTo(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void theKernelsRefusalsReadAsIpPrintedThem() {
        final String add = "ip -4 route add 198.51.100.0/24 dev spnl0 metric 5 (again)";
        assertEquals("RTNETLINK answers: File exists", VECTORS.get(add).ipSaid().orElseThrow());
        assertEquals("File exists", reason(answerTo(add).orElseThrow()));
        final String del = "ip -4 route del 198.51.100.0/24 dev spnl0 metric 5 (again)";
        assertEquals("RTNETLINK answers: No such process", VECTORS.get(del).ipSaid().orElseThrow());
        assertEquals("No such process", reason(answerTo(del).orElseThrow()));
        final String rule = "ip -4 rule add priority 100 from 198.18.1.0/24 to 198.18.2.0/24 iif spnl0 lookup 10 (again)";
        assertEquals("File exists", reason(answerTo(rule).orElseThrow()));
    }

    @Test
    void theKernelsOwnExplanationIsKept() {
        final String command = "ip -4 route add 198.51.100.0/24 via 203.0.113.1 dev spnl0";
        assertEquals("Error: Nexthop has invalid gateway.", VECTORS.get(command).ipSaid().orElseThrow());
        final RtNetlink.Ack ack = answerTo(command).orElseThrow();
        assertEquals(new RtNetlink.Ack(101, Optional.of("Nexthop has invalid gateway")), ack);
        assertEquals("Network is unreachable (Nexthop has invalid gateway)", reason(ack));
    }

    @Test
    void anAnswerToAnotherRequestIsNotTaken() {
        final Vector v = VECTORS.get("ip -4 route add 198.51.100.0/24 dev spnl0 metric 5 (again)");
        final byte[] answer = HexFormat.of().parseHex(v.answer());
        final int sequence = sequenceOf(HexFormat.of().parseHex(v.request()));
        assertEquals(Optional.empty(), RtNetlink.Ack.find(answer, answer.length, sequence + 1));
        assertEquals(Optional.empty(), RtNetlink.Ack.find(answer, 20, sequence), "a truncated answer");
    }

    @Test
    void permissionProblemsSayWhatIsNeeded() {
        assertEquals("Operation not permitted (needs CAP_NET_ADMIN)", RtNetlink.reason(Libc.EPERM, Optional.empty()));
    }

    private static String reason(final RtNetlink.Ack ack) {
        return RtNetlink.reason(ack.errno(), ack.message());
    }
}
