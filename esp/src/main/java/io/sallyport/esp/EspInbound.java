package io.sallyport.esp;

import io.sallyport.packet.Bytes;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;
import io.sallyport.packet.Ipv6View;
import io.sallyport.packet.UdpView;

/**
 * One worker's inbound entry point: strips the outer headers, tells IKE and keepalives from ESP
 * on UDP ports, finds the SA by SPI and hands the packet to its {@link InboundPath}.
 *
 * <pre>
 * 1. Outer IPv4/IPv6 (IP_PACKET form): well-formed, not a fragment, protocol ESP or UDP.
 * 2. UDP: non-ESP marker rules (RFC 3948 §2.2): IKE and keepalives go to kmd, ESP continues.
 * 3. SPI lookup in this worker's table; unknown SPIs are counted (RFC 4303 §3.4.2).
 * 4. The SA's InboundPath does the rest.
 * </pre>
 * Owned by one worker thread; SAs are installed through that worker's command queue.
 */
public final class EspInbound {
    /** What the caller hands in. */
    public enum InputForm {
        /** A whole outer IP packet (raw socket with header, or a capture). */
        IP_PACKET,
        /** The payload of a UDP datagram on the NAT-T or udp-encapsulate port. */
        UDP_PAYLOAD,
        /** A bare ESP packet (raw IP protocol 50 socket without the IP header). */
        ESP
    }

    private final SpiTable<InboundPath> sas = new SpiTable<>();
    private final EspCounters counters;

    public EspInbound(final EspCounters counters) {
        this.counters = counters;
    }

    public void install(final InboundPath path) { sas.put(path.spi(), path); }
    public InboundPath remove(final int spi) { return sas.remove(spi); }
    public InboundPath lookup(final int spi) { return sas.get(spi); }
    public EspCounters counters() { return counters; }

    public InboundResult.Kind receive(final byte[] buf, final int off, final int len, final InputForm form,
                                      final InboundResult out) {
        return switch (form) {
            case ESP -> esp(buf, off, len, out);
            case UDP_PAYLOAD -> udpPayload(buf, off, len, out);
            case IP_PACKET -> ipPacket(buf, off, len, out);
        };
    }

    private InboundResult.Kind ipPacket(final byte[] buf, final int off, final int len, final InboundResult out) {
        if (len < 1) {
            return drop(out, DropReason.BAD_OUTER_HEADER);
        }
        final int version = (buf[off] & 0xF0) >>> 4;
        final int proto;
        final int l4;
        final int end;
        if (version == 4 && len >= Ipv4View.MIN_HEADER) {
            final int hl = (buf[off] & 0x0F) * 4;
            final int tl = Bytes.u16(buf, off + 2);
            if (hl < Ipv4View.MIN_HEADER || tl < hl || tl > len) {
                return drop(out, DropReason.BAD_OUTER_HEADER);
            }
            if ((Bytes.u16(buf, off + 6) & (Ipv4View.FLAG_MF | 0x1FFF)) != 0) {
                return drop(out, DropReason.OUTER_FRAGMENT);
            }
            proto = buf[off + 9] & 0xFF;
            l4 = off + hl;
            end = off + tl;
        } else if (version == 6 && len >= Ipv6View.HEADER) {
            final int tl = Ipv6View.HEADER + Bytes.u16(buf, off + 4);
            if (tl > len) {
                return drop(out, DropReason.BAD_OUTER_HEADER);
            }
            proto = buf[off + 6] & 0xFF;
            if (proto == IpProtocol.IPV6_FRAGMENT) {
                return drop(out, DropReason.OUTER_FRAGMENT);
            }
            l4 = off + Ipv6View.HEADER;
            end = off + tl;
        } else {
            return drop(out, DropReason.BAD_OUTER_HEADER);
        }
        if (proto == IpProtocol.ESP) {
            return esp(buf, l4, end - l4, out);
        }
        if (proto == IpProtocol.UDP && end - l4 >= UdpView.HEADER) {
            final int udpLen = Bytes.u16(buf, l4 + 4);
            if (udpLen < UdpView.HEADER || l4 + udpLen > end) {
                return drop(out, DropReason.BAD_OUTER_HEADER);
            }
            return udpPayload(buf, l4 + UdpView.HEADER, udpLen - UdpView.HEADER, out);
        }
        return drop(out, DropReason.BAD_OUTER_HEADER);
    }

    private InboundResult.Kind udpPayload(final byte[] buf, final int off, final int len, final InboundResult out) {
        return switch (NonEspMarker.classify(buf, off, len)) {
            case KEEPALIVE -> {
                counters.increment(EspStat.NAT_KEEPALIVES);
                out.keepalive();
                yield InboundResult.Kind.KEEPALIVE;
            }
            case IKE -> {
                counters.increment(EspStat.IKE_ON_4500);
                out.ike(off + NonEspMarker.MARKER_LENGTH, len - NonEspMarker.MARKER_LENGTH);
                yield InboundResult.Kind.IKE;
            }
            case ESP -> esp(buf, off, len, out);
            case INVALID -> drop(out, DropReason.BAD_LENGTH);
        };
    }

    private InboundResult.Kind esp(final byte[] buf, final int off, final int len, final InboundResult out) {
        if (len < 8) {
            return drop(out, DropReason.BAD_LENGTH);
        }
        final InboundPath path = sas.get(Bytes.i32(buf, off));
        if (path == null) {
            return drop(out, DropReason.INVALID_SPI);
        }
        return path.decapsulate(buf, off, len, out);
    }

    private InboundResult.Kind drop(final InboundResult out, final DropReason reason) {
        counters.drop(reason);
        out.dropped(reason);
        return InboundResult.Kind.DROPPED;
    }
}
