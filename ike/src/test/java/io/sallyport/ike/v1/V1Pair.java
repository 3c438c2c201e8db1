package io.sallyport.ike.v1;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Two IKEv1 engines (A initiates, B responds) joined by an in-memory link with a fake clock, and
 * the tools to speak as A under A's own phase-1 keys: an informational or quick-mode message whose
 * payloads (or raw payload chain) the test writes, encrypted with A's cipher and IV chain and
 * protected by HASH(1) = prf(SKEYID_a, M-ID | rest) as RFC 2409 §5.7 says. A hand-built message
 * thus passes B's decryption and hash check and reaches the exchange code; a bit flip in an
 * encrypted message would only ever test the decryption.
 */
final class V1Pair {

    static final long SECOND = 1_000_000_000L;
    static final InetAddress A = addr("192.0.2.1");
    static final InetAddress B = addr("192.0.2.2");
    static final InetSocketAddress A_500 = new InetSocketAddress(A, 500);
    static final InetSocketAddress B_500 = new InetSocketAddress(B, 500);

    final Map<DropReason, Long> dropsA = new EnumMap<>(DropReason.class);
    final Map<DropReason, Long> dropsB = new EnumMap<>(DropReason.class);
    final V1Engine a;
    final V1Engine b;
    final List<Action> actionsA = new ArrayList<>();
    final List<Action> actionsB = new ArrayList<>();
    final Deque<Datagram> wire = new ArrayDeque<>();
    long now = SECOND;

    V1Pair(long seedA, long seedB) {
        this(seedA, seedB, KmdOptions.defaults());
    }

    /** A pair whose A runs with {@code optionsA} (a test hook, say), B with the defaults. */
    V1Pair(long seedA, long seedB, KmdOptions optionsA) {
        a = new V1Engine(optionsA, seeded(seedA), spi -> false, r -> dropsA.merge(r, 1L, Long::sum), () -> 0);
        b = new V1Engine(KmdOptions.defaults(), seeded(seedB), spi -> false, r -> dropsB.merge(r, 1L, Long::sum), () -> 0);
    }

    /** Elliptic-curve groups keep a pair cheap to establish: a fuzz target makes one per input. */
    static final IkeProposal IKE = new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
            PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP19, 28800);

    /** A and B configured for each other (main mode, PSK, ESP AES-GCM with PFS group 19), not yet negotiated. */
    static V1Pair configured(PeerConfig.Dpd dpd) { return configured(dpd, PeerConfig.Exchange.MAIN); }

    /** The same in main or aggressive mode. */
    static V1Pair configured(PeerConfig.Dpd dpd, PeerConfig.Exchange exchange) {
        V1Pair p = new V1Pair(11, 12);
        p.a.addPeer(p.now, peer("b", A, B, dpd).withExchange(exchange), p.actionsA);
        p.b.addPeer(p.now, peer("a", B, A, dpd).withExchange(exchange), p.actionsB);
        return p;
    }

    /** A initiated and both ends hold one ISAKMP SA and one IPsec SA pair. */
    static V1Pair established(PeerConfig.Dpd dpd) {
        V1Pair p = configured(dpd);
        p.collect(true, (now, out) -> p.a.initiate(now, "b", out));
        p.run();
        if (p.saA().state != IsakmpSa.State.ESTABLISHED || p.saB().children.size() != 1) {
            throw new IllegalStateException("IKEv1 pair did not come up: " + p.actionsA + " / " + p.actionsB);
        }
        return p;
    }

    static V1Pair established() { return established(PeerConfig.Dpd.off()); }

    /** Established with other configurations (lifetimes, proposals) for A and B. */
    static V1Pair established(PeerConfig forA, PeerConfig forB) {
        return established(forA, forB, KmdOptions.defaults());
    }

    /** Established with other configurations for A and B, and A's engine settings. */
    static V1Pair established(PeerConfig forA, PeerConfig forB, KmdOptions optionsA) {
        V1Pair p = new V1Pair(11, 12, optionsA);
        p.a.addPeer(p.now, forA, p.actionsA);
        p.b.addPeer(p.now, forB, p.actionsB);
        p.collect(true, (now, out) -> p.a.initiate(now, forA.name(), out));
        p.run();
        if (p.saA().state != IsakmpSa.State.ESTABLISHED || p.saB().children.size() != 1) {
            throw new IllegalStateException("IKEv1 pair did not come up: " + p.actionsA + " / " + p.actionsB);
        }
        return p;
    }

    static PeerConfig peer(String name, InetAddress local, InetAddress remote, PeerConfig.Dpd dpd) {
        boolean isA = local.equals(A);
        return new PeerConfig(name, local, remote, Identity.ipv4(local.getHostAddress()), Identity.ipv4(remote.getHostAddress()),
                PskAuthenticator.ascii("secret"), List.of(IKE),
                List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP19, 3600)),
                List.of(TrafficSelector.ofPrefix(isA ? "198.18.1.0" : "198.18.2.0", 24)),
                List.of(TrafficSelector.ofPrefix(isA ? "198.18.2.0" : "198.18.1.0", 24)),
                dpd, true, false, 0, PeerConfig.Exchange.MAIN);
    }

    // ---------------------------------------------------------------- the link

    /** Delivers datagrams and fires timers until nothing is in flight and no deadline is due within {@code horizon}. */
    void run(long horizon) {
        long end = now + horizon;
        while (true) {
            if (!wire.isEmpty()) {
                deliver(wire.poll());
                continue;
            }
            long next = Math.min(a.nextDeadline(), b.nextDeadline());
            if (next > end) {
                return;
            }
            now = Math.max(now, next);
            tick();
        }
    }

    void run() { run(0); }

    void tick() {
        collect(true, a::tick);
        collect(false, b::tick);
    }

    /** Datagrams the link loses (a peer gone quiet). */
    java.util.function.Predicate<Datagram> lose = d -> false;

    private void deliver(Datagram d) {
        if (d.payload().length == 1 || lose.test(d)) {
            return; // NAT keepalive
        }
        boolean toB = d.remote().getAddress().equals(B);
        Datagram in = new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker());
        collect(!toB, (now, out) -> (toB ? b : a).handle(now, in, out));
    }

    interface Step {
        void run(long now, List<Action> out);
    }

    void collect(boolean sideA, Step s) {
        List<Action> out = new ArrayList<>();
        s.run(now, out);
        (sideA ? actionsA : actionsB).addAll(out);
        for (Action x : out) {
            if (x instanceof Action.Send send) {
                wire.add(send.datagram());
            }
        }
    }

    /** B handles one datagram from A now (its answers go on the wire); returns what B did. */
    List<Action> toB(byte[] packet) {
        int mark = actionsB.size();
        collect(false, (now, out) -> b.handle(now, new Datagram(B_500, A_500, packet, false), out));
        return List.copyOf(actionsB.subList(mark, actionsB.size()));
    }

    // ---------------------------------------------------------------- speaking as A under A's keys

    /** Whether each end holds exactly one live ISAKMP SA (what speaking as A needs). */
    boolean oneSaEach() { return live(a).size() == 1 && live(b).size() == 1; }

    private static List<IsakmpSa> live(V1Engine e) {
        return e.isakmpSas().stream().filter(s -> !s.isClosed()).toList();
    }

    IsakmpSa saA() { return only(a); }

    IsakmpSa saB() { return only(b); }

    private static IsakmpSa only(V1Engine e) {
        List<IsakmpSa> l = live(e);
        if (l.size() != 1) {
            throw new IllegalStateException("expected one ISAKMP SA, have " + l.size());
        }
        return l.getFirst();
    }

    /** A fresh message ID for a message A sends (never 0, never one A has in use). */
    int newMessageId() { return saA().newMessageId(); }

    /** An informational message from A with HASH(1) over {@code payloads}, as A would send it. */
    byte[] informational(List<V1Payload> payloads) {
        int mid = newMessageId();
        return saA().encryptedWithHash(Isakmp.EXCH_INFORMATIONAL, mid, Bytes.of32(mid), payloads);
    }

    /**
     * A message from A of exchange {@code exchange} whose whole payload chain is {@code chain},
     * whose first payload is {@code firstPayload}, encrypted under A's keys (HASH, if any, is the
     * caller's business): what decryption lets through to the decoder.
     */
    byte[] sealedChain(int exchange, int messageId, int firstPayload, byte[] chain) {
        IsakmpSa sa = saA();
        byte[] ct = sa.crypter.encrypt(sa.ivs.iv(messageId), chain);
        sa.ivs.advance(messageId, sa.crypter.lastBlock(ct));
        return V1Codec.withHeader(sa.header(exchange, messageId), firstPayload, Isakmp.FLAG_ENCRYPTION, ct);
    }

    /** An informational message whose HASH(1) is right for {@code rest}, the bytes after it (any bytes). */
    byte[] informationalWithRawRest(int firstAfterHash, byte[] rest) {
        int mid = newMessageId();
        byte[] hash = saA().prfA(Bytes.of32(mid), rest);
        byte[] hashPayload = new Bytes().u8(firstAfterHash).u8(0).u16(hash.length + 4).bytes(hash).toArray();
        return sealedChain(Isakmp.EXCH_INFORMATIONAL, mid, Isakmp.P_HASH, Bytes.concat(hashPayload, rest));
    }

    /** A quick-mode message from A: HASH(1) or HASH(2) = prf(SKEYID_a, {@code prefix} | rest) leads, as RFC 2409 §5.5 says. */
    byte[] quick(int messageId, byte[] prefix, List<V1Payload> rest) {
        return saA().encryptedWithHash(Isakmp.EXCH_QUICK, messageId, prefix, rest);
    }

    /**
     * A message A never really sent, which the receiver is to drop (it then keeps its IV): A's IV
     * chain for that exchange is left where it was, so A's next message still decrypts.
     */
    byte[] forged(int messageId, java.util.function.Supplier<byte[]> build) {
        byte[] iv = saA().ivs.iv(messageId);
        byte[] m = build.get();
        saA().ivs.advance(messageId, iv);
        return m;
    }

    /**
     * Decrypts a message B sent, with A's keys and IV chain (which it advances, as A's engine
     * would on receiving it), so that A's next message of that exchange follows on.
     */
    V1Message openAtA(byte[] raw) {
        IsakmpHeader h = IsakmpHeader.parse(raw);
        IsakmpSa sa = saA();
        byte[] ct = java.util.Arrays.copyOfRange(raw, Isakmp.HEADER_SIZE, raw.length);
        byte[] pt = sa.crypter.decrypt(sa.ivs.iv(h.messageId()), ct);
        sa.ivs.advance(h.messageId(), sa.crypter.lastBlock(ct));
        return V1Codec.decode(h, pt, true);
    }

    /** The datagrams B sent since {@code mark} of its actions. */
    List<byte[]> sentByB(int mark) {
        return actionsB.subList(mark, actionsB.size()).stream().filter(x -> x instanceof Action.Send)
                .map(x -> ((Action.Send) x).datagram().payload()).toList();
    }

    /** A fresh public value of {@code group} from A's engine (a valid PFS KE). */
    byte[] publicValue(DhGroup group) { return a.newKeyExchange(group).publicValue(); }

    /** A starts main mode; its message 1 is on the wire, undelivered. */
    void initiateA() {
        collect(true, (now, out) -> a.initiate(now, "b", out));
    }

    /** The next datagram on the wire, taken off it (not delivered). */
    byte[] take() { return wire.poll().payload(); }

    /** Delivers the next datagram on the wire to its receiver. */
    void deliverNext() { deliver(wire.poll()); }

    /** A handles one datagram from B now (its answers go on the wire); returns what A did. */
    List<Action> toA(byte[] packet) {
        int mark = actionsA.size();
        collect(true, (now, out) -> a.handle(now, new Datagram(A_500, B_500, packet, false), out));
        return List.copyOf(actionsA.subList(mark, actionsA.size()));
    }

    /** The same plaintext phase-1 message with other payloads (header and cookies kept). */
    static byte[] replacePayloads(byte[] plainMessage, List<V1Payload> payloads) {
        return V1Codec.plain(IsakmpHeader.parse(plainMessage), payloads);
    }

    /** The payloads of a plaintext message. */
    static List<V1Payload> payloadsOf(byte[] plainMessage) {
        IsakmpHeader h = IsakmpHeader.parse(plainMessage);
        return V1Codec.decode(h, java.util.Arrays.copyOfRange(plainMessage, Isakmp.HEADER_SIZE, plainMessage.length), false).payloads();
    }

    /**
     * A phase-1 message encrypted under {@code sa}'s keys with the IV its peer expects next, without
     * moving {@code sa}'s own chain: what the peer of {@code sa} would have sent in its place.
     */
    static byte[] sealedPhase1(IsakmpSa sa, int flags, List<V1Payload> payloads) {
        byte[] chain = V1Codec.chain(payloads);
        int first = payloads.isEmpty() ? Isakmp.P_NONE : payloads.getFirst().type();
        if ((flags & Isakmp.FLAG_ENCRYPTION) == 0) {
            return V1Codec.withHeader(sa.header(Isakmp.EXCH_MAIN, 0), first, 0, chain);
        }
        return V1Codec.withHeader(sa.header(Isakmp.EXCH_MAIN, 0), first, flags, sa.crypter.encrypt(sa.ivs.iv(0), chain));
    }

    /** The one ISAKMP SA of an engine, established or not. */
    static IsakmpSa anySa(V1Engine e) { return e.isakmpSas().iterator().next(); }

    /** A's cookies: the SPI of an ISAKMP-level notify or delete (RFC 3706 §5, RFC 2408 §3.15). */
    byte[] cookies() { return saA().cookies(); }

    long drops(Map<DropReason, Long> drops, DropReason r) { return drops.getOrDefault(r, 0L); }

    <T extends Action> List<T> of(List<Action> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    // ---------------------------------------------------------------- plumbing

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
