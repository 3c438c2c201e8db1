package io.sallyport.esp;

import io.sallyport.crypto.EspCipher;
import io.sallyport.packet.Bytes;
import io.sallyport.packet.IcmpErrors;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4Fragmenter;
import io.sallyport.packet.Ipv4View;
import io.sallyport.packet.Ipv6View;
import io.sallyport.packet.UdpView;
import java.net.Inet4Address;

/**
 * Outbound ESP tunnel mode for one SA (RFC 4303 §3.3). Owned by one worker thread.
 *
 * <pre>
 * 1. Inner checks: version/length always; active IP checks unless passive mode; header-integrity-check.
 * 2. TTL: the tunnel is a hop (unless no-ipsec-tunnel-in-traceroute): TTL 1 gets time-exceeded.
 *    Link-local multicast (224.0.0.0/24, ff02::/16: OSPF, ...) crosses unchanged: the tunnel is
 *    the link such packets are sent on, not a hop on their way.
 *    tcp-mss: a SYN's MSS option above it is lowered to it (also in passive mode).
 * 3. Tunnel MTU: oversize with DF gets frag-needed / packet-too-big carrying the inner MTU that
 *    fits; without DF (or with clear-dont-fragment-bit) the inner IPv4 packet is fragmented first.
 * 4. Sequence number: next value, or stop at rollover and raise the event.
 * 5. ESP trailer (padding 1,2,3..., pad length, next header 4 or 41), encrypt and ICV in place.
 * 6. Optional UDP header (NAT-T or per-flow multipath source port), outer IPv4/IPv6 header
 *    (DF per policy; TOS/traffic class and TTL configured, or copied from the inner header).
 * </pre>
 *
 * <p>The inner packet sits at {@code innerOff} with at least {@link #headroom()} bytes before it
 * and {@link #MAX_TAILROOM} after it; everything is written in place around it.
 */
public final class OutboundPath {
    /** Enough room before the inner packet for any SA: IPv6 + UDP + ESP header + 16-byte IV. */
    public static final int MAX_HEADROOM = 40 + 8 + 8 + 16;
    /** Enough room after the inner packet for any SA: padding, trailer and the longest ICV. */
    public static final int MAX_TAILROOM = 64;
    /** Distance before the last sequence number at which the SA asks for a rekey. */
    public static final long ROLLOVER_MARGIN = 1L << 20;
    /** RFC 7600 dummy IPv4 source for ICMP errors when no IPv4 address is configured. */
    private static final int DUMMY_V4 = 0xC0000008;

    /** Whether results include the outer IP (and UDP) header, or only what a socket sends. */
    public enum OutputForm { IP_PACKET, TRANSPORT_PAYLOAD }

    public enum Outcome { SENT, DROPPED }

    private final EspSa sa;
    private final EspCipher cipher;
    private final EspCounters counters;
    private final SaBytes saBytes;
    private final OutputForm form;
    private final boolean v6Outer;
    private final int udpDstPort;
    private final int natTSrcPort;
    private final boolean multipath;
    private final int outerHeader;
    private final int espHeader;
    private final int align;
    private final int icv;
    private final int maxInner;
    private final int localV4;
    private final int remoteV4;
    private final byte[] local16;
    private final byte[] remote16;
    private final int icmpV4;
    private final byte[] icmpV6Scratch = new byte[16];
    private final long lastSequence;
    private final long nearRollover;
    private long seq;
    private int ipId;
    /** The outer TTL of the packet being encapsulated (the configured one, or the inner's). */
    private int outerTtl;
    private boolean exhausted;

    public OutboundPath(final EspSa sa, final EspCounters counters, final OutputForm form) {
        this(sa, counters, new SaBytes(), form, 0L);
    }

    /** {@code saBytes}: this SA's own byte count, beside its tunnel's {@code counters}. */
    public OutboundPath(final EspSa sa, final EspCounters counters, final SaBytes saBytes, final OutputForm form) {
        this(sa, counters, saBytes, form, 0L);
    }

    /** {@code lastUsedSequence}: 0 for a new SA; tests start near the rollover with it. */
    OutboundPath(final EspSa sa, final EspCounters counters, final SaBytes saBytes, final OutputForm form,
                 final long lastUsedSequence) {
        this.sa = sa;
        this.counters = counters;
        this.saBytes = saBytes;
        this.form = form;
        this.cipher = EspCipher.create(sa.encryption(), sa.integrity(), sa.encryptionKey(), sa.integrityKey(),
                sa.ivSeed());
        this.v6Outer = sa.ipv6Outer();
        switch (sa.udp()) {
            case UdpEncapsulation.None n -> {
                udpDstPort = 0;
                natTSrcPort = 0;
                multipath = false;
            }
            case UdpEncapsulation.NatTraversal t -> {
                udpDstPort = t.destinationPort();
                natTSrcPort = t.sourcePort();
                multipath = false;
            }
            case UdpEncapsulation.Multipath m -> {
                udpDstPort = m.destinationPort();
                natTSrcPort = 0;
                multipath = true;
            }
        }
        this.outerHeader = (v6Outer ? Ipv6View.HEADER : Ipv4View.MIN_HEADER) + (udpDstPort != 0 ? UdpView.HEADER : 0);
        this.espHeader = 8 + cipher.ivSize();
        this.align = cipher.alignment();
        this.icv = cipher.icvSize();
        final int room = sa.tunnelMtu() - outerHeader - espHeader - icv;
        this.maxInner = (room / align) * align - 2;
        final byte[] l = sa.localAddress().getAddress();
        final byte[] r = sa.remoteAddress().getAddress();
        if (v6Outer) {
            local16 = l;
            remote16 = r;
            localV4 = 0;
            remoteV4 = 0;
        } else {
            local16 = null;
            remote16 = null;
            localV4 = Bytes.i32(l, 0);
            remoteV4 = Bytes.i32(r, 0);
        }
        this.icmpV4 = sa.icmpSourceV4() != 0 ? sa.icmpSourceV4()
                : sa.localAddress() instanceof Inet4Address ? localV4 : DUMMY_V4;
        this.lastSequence = sa.esn() ? -1L : 0xFFFF_FFFFL;
        this.nearRollover = lastSequence - ROLLOVER_MARGIN;
        this.seq = lastUsedSequence;
    }

    public EspSa sa() { return sa; }

    /** Bytes needed before the inner packet for this SA and output form. */
    public int headroom() { return form == OutputForm.IP_PACKET ? outerHeader + espHeader : espHeader; }

    /** Largest inner packet that fits the tunnel MTU once encapsulated. */
    public int maxInnerLength() { return maxInner; }

    /** Last sequence number used (the low 32 bits went on the wire). */
    public long sequence() { return seq; }

    public boolean exhausted() { return exhausted; }

    /**
     * Encapsulates the inner IP packet at {@code buf[innerOff .. innerOff+innerLen)}. Results are in
     * {@code out}: packets to send, an ICMP error for the inside, a drop reason, an SA event.
     * Never throws on bad input.
     */
    public Outcome encapsulate(final byte[] buf, final int innerOff, final int innerLen, final OutboundBatch out) {
        out.reset();
        if (innerLen < 1) {
            return drop(out, DropReason.INNER_MALFORMED);
        }
        final int version = (buf[innerOff] & 0xF0) >>> 4;
        if (version != 4 && version != 6) {
            return drop(out, DropReason.INNER_BAD_VERSION);
        }
        final boolean v4 = version == 4;
        int len = innerLen;
        if (!sa.passiveMode()) {
            len = InnerChecks.ipLength(buf, innerOff, innerLen);
            if (len < 0) {
                return drop(out, DropReason.INNER_MALFORMED);
            }
            DropReason bad = InnerChecks.active(buf, innerOff, len);
            if (bad == null && sa.headerIntegrityCheck()) {
                bad = InnerChecks.headers(buf, innerOff, len);
            }
            if (bad != null) {
                return drop(out, bad);
            }
            if (sa.tunnelIsHop() && !linkLocalMulticast(buf, innerOff, v4)) {
                final int ttl = buf[innerOff + (v4 ? 8 : 7)] & 0xFF;
                if (ttl <= 1) {
                    icmp(out, v4 ? IcmpErrors.ipv4TimeExceeded(buf, innerOff, len, icmpV4, out.icmpBuffer(), 0)
                            : IcmpErrors.ipv6TimeExceeded(buf, innerOff, len, icmpV6Source(buf, innerOff),
                            out.icmpBuffer(), 0));
                    return drop(out, DropReason.TTL_EXCEEDED);
                }
                decrementTtl(buf, innerOff, v4);
            }
        } else if (innerLen < (v4 ? Ipv4View.MIN_HEADER : Ipv6View.HEADER)) {
            return drop(out, DropReason.INNER_MALFORMED);
        }
        if (sa.tcpMss() != EspSa.NO_TCP_MSS) {
            MssClamping.clamp(buf, innerOff, len, sa.tcpMss(), counters);
        }
        final boolean innerDf = v4 && (Bytes.u16(buf, innerOff + 6) & Ipv4View.FLAG_DF) != 0;
        if (v4 && sa.dfPolicy() == DfPolicy.CLEAR && !sa.passiveMode()) {
            clearDf(buf, innerOff);
        }
        final boolean outerDf = switch (sa.dfPolicy()) {
            case DEFAULT, CLEAR -> false;
            case COPY -> innerDf;
            case SET -> true;
        };
        final int tos = sa.outerTos() != EspSa.COPY_FROM_INNER ? sa.outerTos()
                : v4 ? buf[innerOff + 1] & 0xFF : (Bytes.u16(buf, innerOff) >>> 4) & 0xFF;
        // copy-ttl-from-inner-ip-header: the inner TTL after the tunnel's own hop.
        outerTtl = sa.outerTtl() != EspSa.COPY_FROM_INNER ? sa.outerTtl()
                : Math.max(1, buf[innerOff + (v4 ? 8 : 7)] & 0xFF);
        out.outerHeader(outerTtl, tos, outerDf);
        final int flow = flowHash(buf, innerOff, len, v4);
        out.sourcePort(udpDstPort == 0 ? 0 : multipath ? 49152 + (flow & 0x3FFF) : natTSrcPort);
        if (len > maxInner && !sa.passiveMode()) {
            return oversize(buf, innerOff, len, v4, tos, flow, outerDf, out);
        }
        return seal(buf, innerOff, len, v4, tos, flow, outerDf, out) ? Outcome.SENT : Outcome.DROPPED;
    }

    private Outcome oversize(final byte[] buf, final int off, final int len, final boolean v4, final int tos,
                             final int flow, final boolean outerDf, final OutboundBatch out) {
        if (v4) {
            final boolean df = (Bytes.u16(buf, off + 6) & Ipv4View.FLAG_DF) != 0;
            // copy-dont-fragment-bit: the seed fragments an oversize packet before encapsulation
            // even with DF set (its DF only goes to the outer header); otherwise DF means ICMP.
            if (df && sa.dfPolicy() != DfPolicy.COPY) {
                icmp(out, IcmpErrors.ipv4FragmentationNeeded(buf, off, len, icmpV4, maxInner, out.icmpBuffer(), 0));
                return drop(out, DropReason.EXCEEDS_TUNNEL_MTU);
            }
            final int n = Ipv4Fragmenter.count(buf, off, maxInner);
            if (n == 0 || n > OutboundBatch.MAX_FRAGMENTS) {
                return drop(out, DropReason.EXCEEDS_TUNNEL_MTU);
            }
            final byte[] scratch = out.scratch();
            for (int i = 0; i < n; i++) {
                final int fragOff = i * OutboundBatch.SLOT + MAX_HEADROOM;
                final int fragLen = Ipv4Fragmenter.write(buf, off, maxInner, i, scratch, fragOff);
                if (!seal(scratch, fragOff, fragLen, true, tos, flow, outerDf, out)) {
                    return Outcome.DROPPED;
                }
            }
            counters.increment(EspStat.FRAGMENTED_BEFORE_ENCRYPTION);
            return Outcome.SENT;
        }
        final int mtu = Math.max(Ipv6View.MIN_MTU, maxInner);
        if (len > mtu) {
            icmp(out, IcmpErrors.ipv6PacketTooBig(buf, off, len, icmpV6Source(buf, off), mtu, out.icmpBuffer(), 0));
            return drop(out, DropReason.EXCEEDS_TUNNEL_MTU);
        }
        // An IPv6 packet within the IPv6 minimum MTU must get through: the outer layer fragments it.
        return seal(buf, off, len, false, tos, flow, outerDf, out) ? Outcome.SENT : Outcome.DROPPED;
    }

    /** Steps 4-6 for one inner packet (or fragment); false when dropped. */
    private boolean seal(final byte[] buf, final int innerOff, final int len, final boolean v4, final int tos,
                         final int flow, final boolean outerDf, final OutboundBatch out) {
        final int padded = ((len + 2 + align - 1) / align) * align;
        final int start = innerOff - headroom();
        if (start < 0 || innerOff + padded + icv > buf.length) {
            drop(out, DropReason.NO_BUFFER_SPACE);
            return false;
        }
        if (exhausted) {
            drop(out, DropReason.SEQUENCE_EXHAUSTED);
            return false;
        }
        seq++;
        if (seq == lastSequence) {
            exhausted = true;
            out.event(SaEvent.SEQUENCE_EXHAUSTED);
            counters.increment(EspStat.ROLLOVER_EVENTS);
        } else if (seq == nearRollover) {
            out.event(SaEvent.SEQUENCE_NEAR_ROLLOVER);
            counters.increment(EspStat.ROLLOVER_EVENTS);
        }
        // RFC 4303 §2.4: padding bytes 1, 2, 3, ...; then pad length and next header.
        final int padLen = padded - len - 2;
        final int trailer = innerOff + len;
        for (int i = 0; i < padLen; i++) {
            buf[trailer + i] = (byte) (i + 1);
        }
        buf[trailer + padLen] = (byte) padLen;
        buf[trailer + padLen + 1] = (byte) (v4 ? IpProtocol.IPV4 : IpProtocol.IPV6);
        final int esp = innerOff - espHeader;
        Bytes.put32(buf, esp, sa.spi());
        Bytes.put32(buf, esp + 4, (int) seq);
        final int espLen = cipher.seal(buf, esp, padded, seq, sa.esn());
        counters.add(EspStat.ENCRYPTED_BYTES, len);
        saBytes.add(len);
        counters.increment(EspStat.ENCRYPTED_PACKETS);
        if (form == OutputForm.TRANSPORT_PAYLOAD) {
            out.add(buf, esp, espLen);
            return true;
        }
        int l4Len = espLen;
        int l4 = esp;
        if (udpDstPort != 0) {
            l4 = esp - UdpView.HEADER;
            l4Len = espLen + UdpView.HEADER;
            UdpView.write(buf, l4, out.sourcePort(), udpDstPort, l4Len);
        }
        final int proto = udpDstPort != 0 ? IpProtocol.UDP : IpProtocol.ESP;
        if (v6Outer) {
            final int ip = l4 - Ipv6View.HEADER;
            Ipv6View.write(buf, ip, tos, flow, l4Len, proto, outerTtl, local16, remote16);
            if (udpDstPort != 0) {
                UdpView.fillChecksum(buf, ip, l4, l4Len);
            }
            out.add(buf, ip, Ipv6View.HEADER + l4Len);
        } else {
            // RFC 3948 §2.1: the UDP checksum of ESP-in-UDP over IPv4 is sent as zero.
            final int ip = l4 - Ipv4View.MIN_HEADER;
            ipId = (ipId + 1) & 0xFFFF;
            Ipv4View.write(buf, ip, tos, Ipv4View.MIN_HEADER + l4Len, ipId, outerDf ? Ipv4View.FLAG_DF : 0,
                    outerTtl, proto, localV4, remoteV4);
            out.add(buf, ip, Ipv4View.MIN_HEADER + l4Len);
        }
        return true;
    }

    private Outcome drop(final OutboundBatch out, final DropReason reason) {
        counters.drop(reason);
        out.drop(reason);
        return Outcome.DROPPED;
    }

    private void icmp(final OutboundBatch out, final int length) {
        if (length > 0) {
            out.icmpLength(length);
            counters.increment(EspStat.ICMP_ERRORS_SENT);
        }
    }

    /** Our IPv6 address for ICMPv6 errors: the outer local address, else the inner destination. */
    private byte[] icmpV6Source(final byte[] buf, final int off) {
        if (local16 != null) {
            return local16;
        }
        System.arraycopy(buf, off + 24, icmpV6Scratch, 0, 16);
        return icmpV6Scratch;
    }

    /** 224.0.0.0/24 (RFC 5771 local network control block) or ff02::/16 (RFC 4291). */
    private static boolean linkLocalMulticast(final byte[] buf, final int innerOff, final boolean v4) {
        if (v4) {
            return (buf[innerOff + 16] & 0xFF) == 224 && buf[innerOff + 17] == 0 && buf[innerOff + 18] == 0;
        }
        return (buf[innerOff + 24] & 0xFF) == 0xFF && (buf[innerOff + 25] & 0x0F) == 0x02;
    }

    private static void decrementTtl(final byte[] buf, final int off, final boolean v4) {
        if (v4) {
            final int oldWord = Bytes.u16(buf, off + 8);
            buf[off + 8]--;
            final int c = io.sallyport.packet.Checksum.update(Bytes.u16(buf, off + 10), oldWord, Bytes.u16(buf, off + 8));
            Bytes.put16(buf, off + 10, c);
        } else {
            buf[off + 7]--;
        }
    }

    private static void clearDf(final byte[] buf, final int off) {
        final int oldWord = Bytes.u16(buf, off + 6);
        if ((oldWord & Ipv4View.FLAG_DF) != 0) {
            final int newWord = oldWord & ~Ipv4View.FLAG_DF;
            Bytes.put16(buf, off + 6, newWord);
            Bytes.put16(buf, off + 10, io.sallyport.packet.Checksum.update(Bytes.u16(buf, off + 10), oldWord, newWord));
        }
    }

    /** Hash of addresses, protocol and (when present) ports: the multipath source port and IPv6 flow label. */
    private static int flowHash(final byte[] b, final int off, final int len, final boolean v4) {
        int h = 0x9E3779B9;
        final int proto;
        int l4;
        if (v4 && len >= Ipv4View.MIN_HEADER) {
            h = mix(h, Bytes.i32(b, off + 12));
            h = mix(h, Bytes.i32(b, off + 16));
            proto = b[off + 9] & 0xFF;
            l4 = (Bytes.u16(b, off + 6) & 0x1FFF) == 0 && (Bytes.u16(b, off + 6) & Ipv4View.FLAG_MF) == 0
                    ? off + (b[off] & 0x0F) * 4 : -1;
        } else if (!v4 && len >= Ipv6View.HEADER) {
            for (int i = 8; i < 40; i += 4) {
                h = mix(h, Bytes.i32(b, off + i));
            }
            proto = b[off + 6] & 0xFF;
            l4 = off + Ipv6View.HEADER;
        } else {
            return h & 0xFFFFF;
        }
        h = mix(h, proto);
        if (l4 >= 0 && (proto == IpProtocol.TCP || proto == IpProtocol.UDP) && l4 + 4 <= off + len) {
            h = mix(h, Bytes.i32(b, l4));
        }
        return (h ^ (h >>> 15)) & 0xFFFFF;
    }

    private static int mix(final int h, final int v) {
        final int x = (h ^ v) * 0x85EBCA6B;
        return x ^ (x >>> 13);
    }
}
