package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Two kmd engines joined by an in-memory link with a fake clock. Faults (loss, duplication,
 * reordering) are injected per datagram from a seeded random source. Every action is recorded;
 * the installed child SAs are tracked like a data plane would.
 */
final class TwoPeers {

    static final InetAddress A = addr("192.0.2.1");
    static final InetAddress B = addr("192.0.2.2");
    /** The public address of a NAPT in front of A when {@link #natA} is set. */
    static final InetAddress NAT = addr("198.51.100.1");
    boolean natA;
    /** What the NAPT adds to A's source ports; changing it is a NAT that lost A's mapping and made a new one. */
    int natPortOffset = 10000;

    Kmd a;
    final Kmd b;
    long now = 1_000_000_000L;
    final Deque<Datagram> wire = new ArrayDeque<>();
    final List<Action> actionsA = new ArrayList<>();
    final List<Action> actionsB = new ArrayList<>();
    /** Data plane view: installed child SAs by inbound SPI, per side. */
    final Map<Integer, Action.InstallChildSa> planeA = new HashMap<>();
    final Map<Integer, Action.InstallChildSa> planeB = new HashMap<>();
    /**
     * The outbound SAs each side sends on, as the gateway's device worker keeps them: by outbound
     * SPI in the order they came into use; traffic goes on the last (the current one), and falls
     * back to the newest left when it is deleted.
     */
    final List<Integer> sendingA = new ArrayList<>();
    final List<Integer> sendingB = new ArrayList<>();
    double loss;
    double duplicate;
    double reorder;
    final Random faults = new Random(7);
    Predicate<Datagram> dropFilter = d -> false;
    /** Changes a datagram as it goes on the wire (a forged answer in place of a request, a response altered); null drops it. */
    java.util.function.UnaryOperator<Datagram> rewrite = d -> d;

    TwoPeers(long seedA, long seedB) {
        this(new Kmd(() -> seeded(seedA)), new Kmd(() -> seeded(seedB)));
    }

    TwoPeers(Kmd a, Kmd b) {
        this.a = a;
        this.b = b;
    }

    TwoPeers() {
        this(1, 2);
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static PeerConfig config(String name, InetAddress local, InetAddress remote, String psk) {
        boolean isA = local.equals(A);
        return new PeerConfig(name, local, remote, Identity.ipv4(local.getHostAddress()), Identity.ipv4(remote.getHostAddress()),
                PskAuthenticator.ascii(psk), List.of(IkeProposal.aes256Sha256Group14()),
                List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 3600)),
                List.of(TrafficSelector.ofPrefix(isA ? "198.18.1.0" : "198.18.2.0", 24)),
                List.of(TrafficSelector.ofPrefix(isA ? "198.18.2.0" : "198.18.1.0", 24)),
                PeerConfig.Dpd.off(), true, false);
    }

    /** Adds each side's peer; a configuration meant for the other side (swapped addresses) is refused. */
    void addPeers(PeerConfig forA, PeerConfig forB) {
        if (!forA.localAddress().equals(A) || !forB.localAddress().equals(B)) {
            throw new IllegalArgumentException("peer configurations swapped: A gets local " + forA.localAddress()
                    + ", B gets local " + forB.localAddress());
        }
        record(true, a.command(now, new Command.AddPeer(forA)));
        record(false, b.command(now, new Command.AddPeer(forB)));
    }

    /** A loses all state (a restart) and gets a fresh engine with the same peers. */
    void restartA(long seed, PeerConfig forA) {
        a = new Kmd(() -> seeded(seed));
        planeA.clear();
        sendingA.clear();
        record(true, a.command(now, new Command.AddPeer(forA)));
    }

    void commandA(Command c) { record(true, a.command(now, c)); }

    void commandB(Command c) { record(false, b.command(now, c)); }

    void record(boolean fromA, List<Action> actions) {
        (fromA ? actionsA : actionsB).addAll(actions);
        var plane = fromA ? planeA : planeB;
        var sending = fromA ? sendingA : sendingB;
        for (Action x : actions) {
            switch (x) {
                case Action.Send s -> enqueue(s.datagram());
                case Action.InstallChildSa i -> {
                    plane.put(i.spiIn(), i);
                    if (i.outboundNow()) {
                        sending.add(i.spiOut());
                    }
                }
                case Action.SwitchOutbound w -> sending.add(w.spiOut());
                case Action.ChildSaMoved m -> { }
                case Action.DeleteChildSa d -> {
                    plane.remove(d.spiIn());
                    sending.remove((Integer) d.spiOut());
                }
                case Action.IkeSaUp u -> { }
                case Action.IkeSaDown d -> { }
                case Action.ChildRefused r -> { }
                case Action.TrafficQuery q -> { }
                case Action.Trace t -> { }
            }
        }
    }

    private void enqueue(Datagram sent) {
        Datagram d = rewrite.apply(sent);
        if (d == null || dropFilter.test(d) || faults.nextDouble() < loss) {
            return;
        }
        if (faults.nextDouble() < reorder && !wire.isEmpty()) {
            Datagram first = wire.pollFirst();
            wire.addFirst(d);
            wire.addFirst(first);
        } else {
            wire.add(d);
        }
        if (faults.nextDouble() < duplicate) {
            wire.add(d);
        }
    }

    /** Delivers one datagram; returns false when the wire is empty. */
    boolean deliverNext() {
        Datagram d = wire.poll();
        if (d == null) {
            return false;
        }
        if (natA && d.local().getAddress().equals(A)) {
            // A sits behind a NAPT: its source becomes NAT:port+natPortOffset.
            d = new Datagram(new InetSocketAddress(NAT, d.local().getPort() + natPortOffset), d.remote(), d.payload(), d.nonEspMarker());
        } else if (natA && d.remote().getAddress().equals(NAT)) {
            int port = d.remote().getPort() - natPortOffset;
            if (port < 500) {
                return true; // to a mapping the NAT no longer has: it drops the datagram
            }
            d = new Datagram(d.local(), new InetSocketAddress(A, port), d.payload(), d.nonEspMarker());
        }
        boolean toA = d.remote().getAddress().equals(A);
        // The receiver sees the datagram from its own side: swap endpoints.
        Datagram in = new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker());
        record(toA, (toA ? a : b).handle(now, in));
        return true;
    }

    /** Runs until quiet, advancing the fake clock to each next deadline, up to {@code maxNanos}. */
    void run(long maxNanos) {
        long end = now + maxNanos;
        while (true) {
            while (deliverNext()) {
                now += 1_000_000;
            }
            long next = Math.min(a.nextDeadline().orElse(Long.MAX_VALUE), b.nextDeadline().orElse(Long.MAX_VALUE));
            if (next > end) {
                now = end;
                return;
            }
            now = Math.max(now, next);
            tick();
        }
    }

    void runQuiet() { run(5_000_000_000L); }

    /**
     * One step of a run that stops at {@code end}: the next datagram on the wire (a millisecond
     * later), or, with the wire empty, both sides' timers at their next deadline.
     */
    void step(long end) {
        if (deliverNext()) {
            now += 1_000_000;
        } else {
            long next = Math.min(a.nextDeadline().orElse(Long.MAX_VALUE), b.nextDeadline().orElse(Long.MAX_VALUE));
            now = Math.max(now, Math.min(next, end));
            tick();
        }
    }

    /** Both sides' timers at {@link #now}. */
    void tick() {
        record(true, a.tick(now));
        record(false, b.tick(now));
    }

    /** An ESP packet: who sent it and with which SPI. */
    record Esp(boolean fromA, int spi) {
        @Override
        public String toString() { return (fromA ? "A->B" : "B->A") + String.format(" ESP %08x", spi); }
    }

    /** The packet A sends now, on its current outbound SA. */
    Esp espFromA() { return new Esp(true, spiFromA()); }

    /** The packet B sends now, on its current outbound SA. */
    Esp espFromB() { return new Esp(false, spiFromB()); }

    /** Whether the receiver of {@code p} has an inbound SA for it now. */
    boolean received(Esp p) {
        return p.spi() != 0 && (p.fromA() ? planeB : planeA).containsKey(p.spi());
    }

    /** {@link #runQuiet}, then past the linger of a rekeyed SA's inbound half (its DeleteChildSa comes then). */
    void runPastLinger() {
        runQuiet();
        run(KmdOptions.defaults().rekeyedInboundLingerNanos());
    }

    <T extends Action> List<T> of(List<Action> actions, Class<T> kind) {
        return actions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * Both data planes hold at least one SA pair and the same pairs (A's inbound is B's outbound
     * and vice versa, same keys). Two empty planes do not match: say {@link #planesEmpty} for that.
     */
    boolean planesMatch() {
        if (planeA.isEmpty() || planeA.size() != planeB.size()) {
            return false;
        }
        for (var ia : planeA.values()) {
            var ib = planeB.values().stream().filter(x -> x.spiOut() == ia.spiIn()).findFirst().orElse(null);
            if (ib == null || ib.spiIn() != ia.spiOut()
                    || !java.util.Arrays.equals(ia.encryptionKeyIn(), ib.encryptionKeyOut())
                    || !java.util.Arrays.equals(ia.encryptionKeyOut(), ib.encryptionKeyIn())) {
                return false;
            }
        }
        return true;
    }

    /** The SPI A's traffic leaves with now (its current outbound SA); 0 without one. */
    int spiFromA() { return sendingA.isEmpty() ? 0 : sendingA.getLast(); }

    int spiFromB() { return sendingB.isEmpty() ? 0 : sendingB.getLast(); }

    boolean planesEmpty() {
        return planeA.isEmpty() && planeB.isEmpty();
    }

    /**
     * The established IKE SA of an engine, for tests that must read its keys. Kmd keeps its SAs
     * private and offers no key material, rightly; this reads its table by reflection rather than
     * widen production code for tests.
     */
    static IkeSession session(Kmd k) {
        try {
            java.lang.reflect.Field f = Kmd.class.getDeclaredField("sas");
            f.setAccessible(true);
            return ((SaTable) f.get(k)).values().stream()
                    .filter(s -> s.state == IkeSession.State.ESTABLISHED).findFirst()
                    .orElseThrow(() -> new AssertionError("no established IKE SA"));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Kmd's SA table moved: update TwoPeers.session", e);
        }
    }
}
