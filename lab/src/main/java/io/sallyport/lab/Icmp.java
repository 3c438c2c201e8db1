package io.sallyport.lab;

import io.sallyport.packet.Bytes;
import io.sallyport.packet.Checksum;
import io.sallyport.packet.IcmpErrors;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;

/** ICMPv4 messages the lab's nodes originate: echo request/reply and destination unreachable. */
final class Icmp {
    static final int ECHO_REPLY = 0;
    static final int UNREACHABLE = 3;
    static final int ECHO_REQUEST = 8;
    static final int TIME_EXCEEDED = 11;
    static final int HEADER = 8;

    private Icmp() {}

    /** A complete IPv4 echo request or reply with {@code payloadLength} bytes of pattern data. */
    static byte[] echo(int type, int src, int dst, int ttl, int id, int seq, int payloadLength) {
        byte[] p = new byte[Ipv4View.MIN_HEADER + HEADER + payloadLength];
        int icmp = Ipv4View.MIN_HEADER;
        p[icmp] = (byte) type;
        Bytes.put16(p, icmp + 4, id);
        Bytes.put16(p, icmp + 6, seq);
        for (int i = 0; i < payloadLength; i++) {
            p[icmp + HEADER + i] = (byte) i;
        }
        Bytes.put16(p, icmp + 2, Checksum.compute(p, icmp, HEADER + payloadLength));
        Ipv4View.write(p, 0, 0, p.length, seq, 0, ttl, IpProtocol.ICMP, src, dst);
        return p;
    }

    /** The echo reply to {@code request} (a well-formed IPv4 echo request), from its destination. */
    static byte[] replyTo(byte[] request, Ipv4View req) {
        int hl = req.headerLength();
        int icmpLen = req.totalLength() - hl;
        byte[] p = new byte[Ipv4View.MIN_HEADER + icmpLen];
        System.arraycopy(request, req.offset() + hl, p, Ipv4View.MIN_HEADER, icmpLen);
        int icmp = Ipv4View.MIN_HEADER;
        p[icmp] = ECHO_REPLY;
        Bytes.put16(p, icmp + 2, 0);
        Bytes.put16(p, icmp + 2, Checksum.compute(p, icmp, icmpLen));
        Ipv4View.write(p, 0, 0, p.length, req.identification(), 0, IcmpErrors.DEFAULT_TTL, IpProtocol.ICMP,
                req.destination(), req.source());
        return p;
    }

    /** Destination unreachable (code 0 net, 1 host) about {@code orig}, or null where none is allowed. */
    static byte[] unreachable(byte[] orig, int off, int len, int router, int code) {
        // Same rules and layout as time exceeded; only type and code differ.
        byte[] out = new byte[IcmpErrors.IPV4_MAX_ERROR];
        int n = IcmpErrors.ipv4TimeExceeded(orig, off, len, router, out, 0);
        if (n == 0) {
            return null;
        }
        int icmp = Ipv4View.MIN_HEADER;
        out[icmp] = UNREACHABLE;
        out[icmp + 1] = (byte) code;
        Bytes.put16(out, icmp + 2, 0);
        Bytes.put16(out, icmp + 2, Checksum.compute(out, icmp, n - icmp));
        return java.util.Arrays.copyOf(out, n);
    }

    static byte[] timeExceeded(byte[] orig, int off, int len, int router) {
        byte[] out = new byte[IcmpErrors.IPV4_MAX_ERROR];
        int n = IcmpErrors.ipv4TimeExceeded(orig, off, len, router, out, 0);
        return n == 0 ? null : java.util.Arrays.copyOf(out, n);
    }
}
