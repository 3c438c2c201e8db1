package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kmd's SA table answers from indexes kept up to date as SAs come and go, move, and gain, rekey,
 * hand over and lose children ({@link SaTable}, {@link SaDeadlines}). After every step each index
 * is checked against a walk of the whole table, also for every key it ever held: an index entry
 * left behind (a removed child's SPI, an SA at its old address, a term it no longer announces, a
 * deadline that moved) fails the check.
 */
class SaTableIndexTest {

    /** Every key either engine's table was seen with, so that left-over entries are looked for too. */
    private final Set<String> names = new LinkedHashSet<>();
    private final Set<InetAddress> addresses = new LinkedHashSet<>();
    private final Set<Integer> childSpis = new LinkedHashSet<>();
    private final Set<PeerConfig> peers = new LinkedHashSet<>();

    private static final String[][] SELECTORS = {
        {"t1", "198.18.1.0", "198.18.2.0"}, {"t2", "198.18.3.0", "198.18.4.0"},
        {"u1", "198.18.2.0", "198.18.1.0"}, {"u2", "198.18.4.0", "198.18.3.0"}};

    private static PeerConfig term(String name) {
        InetAddress local = name.startsWith("u") ? B : A;
        var c = TwoPeers.config(name, local, local.equals(A) ? B : A, "secret");
        for (String[] s : SELECTORS) {
            if (s[0].equals(name)) {
                return new PeerConfig(name, c.localAddress(), c.remoteAddress(), c.localId(), c.remoteId(), c.authenticator(),
                        c.ikeProposals(), c.childProposals(), List.of(TrafficSelector.ofPrefix(s[1], 24)),
                        List.of(TrafficSelector.ofPrefix(s[2], 24)), c.dpd(), c.natTraversal(), false);
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static SaTable table(Kmd k) {
        try {
            java.lang.reflect.Field f = Kmd.class.getDeclaredField("sas");
            f.setAccessible(true);
            return (SaTable) f.get(k);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Kmd's SA table moved: update SaTableIndexTest.table", e);
        }
    }

    /** Each index of both engines answers what a walk of the table does, for every key ever seen. */
    private void assertConsistent(TwoPeers t) {
        assertConsistent(table(t.a));
        assertConsistent(table(t.b));
    }

    private void assertConsistent(SaTable table) {
        List<IkeSession> all = new ArrayList<>(table.values());
        for (IkeSession s : all) {
            assertTrue(s.inTable);
            assertSame(s, table.get(s.localSpi()));
            names.add(s.peer.name());
            names.addAll(s.announced);
            addresses.add(s.remote.getAddress());
            s.children.forEach(c -> childSpis.add(c.spiIn));
            peers.add(s.peer);
        }
        for (String n : names) {
            assertEquals(walk(all, s -> s.peer.name().equals(n)), table.ofPeer(n), "by peer " + n);
            assertEquals(walk(all, s -> s.peer.name().equals(n) || s.announced.contains(n)), table.carrying(n), "carrying " + n);
        }
        for (InetAddress a : addresses) {
            assertEquals(walk(all, s -> s.remote.getAddress().equals(a)), table.at(a), "at " + a);
        }
        for (PeerConfig p : peers) {
            assertEquals(walk(all, s -> s.peer.name().equals(p.name()) || s.peer.localAddress().equals(p.localAddress())
                    && s.peer.remoteAddress().equals(p.remoteAddress())), table.sharingCandidates(p), "sharing with " + p.name());
        }
        for (int spi : childSpis) {
            List<IkeSession> holders = walk(all, s -> s.child(spi).isPresent());
            assertTrue(holders.size() <= 1, () -> "child SPI " + spi + " in " + holders.size() + " SAs");
            assertEquals(holders.isEmpty() ? null : holders.getFirst(), table.ofChild(spi), "child " + spi);
            assertEquals(!holders.isEmpty(), table.childSpiInUse(spi), "child SPI in use " + spi);
            assertFalse(!holders.isEmpty() && table.retiring(spi), "child SPI " + spi + " both held and retiring");
        }
        var retiring = table.retiringDeadlines();
        long earliest = Math.min(all.stream().mapToLong(IkeSession::nextDeadline).min().orElse(Long.MAX_VALUE),
                retiring.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE));
        assertEquals(earliest, table.nextDeadline(), "earliest deadline");
    }

    private static List<IkeSession> walk(Collection<IkeSession> all, java.util.function.Predicate<IkeSession> p) {
        return all.stream().filter(p).toList();
    }

    private static int spiOf(TwoPeers t, String term) {
        return t.planeA.values().stream().filter(i -> i.peer().equals(term)).mapToInt(Action.InstallChildSa::spiIn)
                .findFirst().orElseThrow(() -> new AssertionError("no SA of " + term + " in " + t.planeA.keySet()));
    }

    @Test
    void indexesFollowChildrenThroughCreateRekeyHandOverAndDelete() {
        var t = new TwoPeers();
        t.addPeers(term("t1"), term("u1"));
        t.commandA(new Command.AddPeer(term("t2")));
        t.commandB(new Command.AddPeer(term("u2")));
        t.commandA(new Command.Initiate("t1"));
        t.commandA(new Command.Initiate("t2"));
        t.runQuiet();
        assertEquals(2, t.planeA.size());
        assertConsistent(t);

        // A child rekey: a new inbound SPI, the old one gone from the index.
        int old = spiOf(t, "t1");
        t.commandA(new Command.RekeyChildSa(old));
        t.runQuiet();
        assertNotEquals(old, spiOf(t, "t1"));
        assertNull(table(t.a).ofChild(old));
        assertTrue(table(t.a).retiring(old), "the replaced child's inbound SA lingers, its SPI still taken");
        assertConsistent(t);

        // An IKE rekey: the children move to the new IKE SA, which the index must name.
        IkeSession before = table(t.a).ofChild(spiOf(t, "t2"));
        t.commandA(new Command.RekeyIkeSa("t1"));
        t.runQuiet();
        IkeSession after = table(t.a).ofChild(spiOf(t, "t2"));
        assertNotEquals(before.localSpi(), after.localSpi());
        assertFalse(before.inTable);
        assertConsistent(t);

        // One term removed: its child goes and the SA no longer announces it.
        int t2 = spiOf(t, "t2");
        t.commandA(new Command.RemovePeer("t2"));
        t.runQuiet();
        assertNull(table(t.a).ofChild(t2));
        assertEquals(List.of(), table(t.a).carrying("t2").stream().filter(s -> s.announced.contains("t2")).toList());
        assertConsistent(t);

        t.commandA(new Command.DeleteChildSa(spiOf(t, "t1")));
        t.runQuiet();
        assertConsistent(t);

        t.commandA(new Command.DeleteIkeSa("t1"));
        t.runQuiet();
        assertEquals(0, table(t.a).size());
        assertEquals(0, table(t.b).size());
        assertConsistent(t);
        for (int spi : childSpis) {
            assertFalse(table(t.a).childSpiInUse(spi) || table(t.b).childSpiInUse(spi), "child SPI " + spi + " left indexed");
        }
    }

    @Test
    void lifetimesRunFromTheDeadlineQueue() {
        // Child SAs of one hour (soft lifetime earlier) and an IKE SA of eight hours, with no traffic:
        // every rekey and expiry below fires from the deadline queue, stepped deadline by deadline.
        var t = new TwoPeers();
        t.addPeers(term("t1"), term("u1"));
        t.commandA(new Command.Initiate("t1"));
        t.runQuiet();
        int first = spiOf(t, "t1");
        for (int hour = 0; hour < 10; hour++) {
            t.run(3_600_000_000_000L);
            assertConsistent(t);
        }
        assertNotEquals(first, spiOf(t, "t1"), "the child SA was rekeyed on its soft lifetime");
        assertTrue(t.planesMatch());
        assertEquals(1, table(t.a).size());
    }

    @Test
    void anSaThatFollowsItsPeerToANewAddressIsIndexedThere() {
        InetAddress moved = TwoPeers.addr("192.0.2.9");
        var t = new TwoPeers();
        t.addPeers(term("t1"), term("u1"));
        t.commandA(new Command.Initiate("t1"));
        t.runQuiet();
        assertConsistent(t);
        IkeSession atB = table(t.b).at(A).getFirst();

        // A's NAT mapping changes: B answers where A's authenticated request came from (RFC 7296 §2.23).
        t.rewrite = d -> d.local().getAddress().equals(A) ? new Datagram(new InetSocketAddress(moved, d.local().getPort()), d.remote(),
                d.payload(), d.nonEspMarker())
                : d.remote().getAddress().equals(moved) ? new Datagram(d.local(), new InetSocketAddress(A, d.remote().getPort()),
                d.payload(), d.nonEspMarker()) : d;
        t.commandA(new Command.RekeyChildSa(spiOf(t, "t1")));
        t.runQuiet();

        assertEquals(moved, atB.remote.getAddress());
        assertEquals(List.of(atB), table(t.b).at(moved));
        assertEquals(List.of(), table(t.b).at(A));
        assertConsistent(t);
    }

    @Test
    void aDeadlineThatMovesEarlierOrLaterIsTheOneQueued() {
        var t = new TwoPeers();
        t.addPeers(term("t1"), term("u1"));
        t.commandA(new Command.Initiate("t1"));
        t.runQuiet();
        SaTable a = table(t.a);
        IkeSession s = a.values().iterator().next();
        long queued = a.nextDeadline();
        assertEquals(s.nextDeadline(), queued);

        // A rekey whose response never comes: the retransmission timer is now the earliest deadline.
        t.dropFilter = d -> true;
        t.commandA(new Command.RekeyChildSa(spiOf(t, "t1")));
        assertTrue(a.nextDeadline() < queued, "the retransmission is due before the lifetimes");
        assertEquals(s.nextDeadline(), a.nextDeadline());
        assertConsistent(t);

        // The peer answers after all: the retransmission's entry is stale; the replaced child's
        // lingering inbound half is due first, then the deadline moves back out to the SA's own.
        t.dropFilter = d -> false;
        t.commandA(new Command.RekeyChildSa(spiOf(t, "t1")));
        t.runQuiet();
        long linger = a.retiringDeadlines().values().iterator().next();
        assertTrue(linger < s.nextDeadline(), "the replaced child's inbound SA leaves before the SA's next timer");
        assertEquals(linger, a.nextDeadline());
        assertConsistent(t);
        t.run(KmdOptions.defaults().rekeyedInboundLingerNanos());
        assertEquals(Map.of(), a.retiringDeadlines());
        assertEquals(s.nextDeadline(), a.nextDeadline());
        assertTrue(Objects.requireNonNull(t.a.nextDeadline()).isPresent());
        assertConsistent(t);
        assertEquals(List.of(), a.due(t.now).sas(), "nothing is due before the next deadline");
        assertEquals(List.of(), a.due(t.now).retired(), "no retired child is due before the next deadline");
    }
}
