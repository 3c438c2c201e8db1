package io.sallyport.ike.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes and decodes chains of payloads (RFC 7296 §3.2). Every length is checked against its
 * enclosing length while parsing; a violation raises {@link Malformed}, which the message codec
 * turns into a decode error.
 */
final class PayloadCodec {

    private PayloadCodec() {
    }

    /** Parse failure with a reason in words; never leaves the codec. */
    static final class Malformed extends Exception {
        final int notifyType;

        Malformed(String reason) {
            this(reason, Wire.N_INVALID_SYNTAX);
        }

        Malformed(String reason, int notifyType) {
            super(reason, null, false, false);
            this.notifyType = notifyType;
        }
    }

    /** Result of walking a chain that ends in SK/SKF: the payloads before it, and the SK one. */
    record Chain(List<Payload> payloads, int encryptedType, int encryptedOffset, int encryptedLength, int innerFirst) {
    }

    /**
     * Walks the chain starting at {@code off}. Stops at an SK or SKF payload (which must be last,
     * RFC 7296 §3.14) and reports where it is.
     */
    static Chain decodeChain(byte[] b, int off, int end, int first) throws Malformed {
        List<Payload> out = new ArrayList<>();
        int type = first;
        while (type != Wire.NO_NEXT) {
            if (end - off < 4) {
                throw new Malformed("truncated payload header");
            }
            int next = b[off] & 0xff;
            boolean critical = (b[off + 1] & 0x80) != 0;
            int plen = Bytes.u16(b, off + 2);
            if (plen < 4 || off + plen > end) {
                throw new Malformed("payload length " + plen + " out of bounds");
            }
            if (type == Wire.SK || type == Wire.SKF) {
                if (off + plen != end) {
                    throw new Malformed("encrypted payload is not last");
                }
                return new Chain(out, type, off + 4, plen - 4, next);
            }
            out.add(decodeOne(type, critical, b, off + 4, off + plen));
            off += plen;
            type = next;
        }
        if (off != end) {
            throw new Malformed("trailing bytes after last payload");
        }
        return new Chain(out, Wire.NO_NEXT, 0, 0, Wire.NO_NEXT);
    }

    private static Payload decodeOne(int type, boolean critical, byte[] b, int s, int e) throws Malformed {
        int n = e - s;
        return switch (type) {
            case Wire.SA -> new Payload.Sa(decodeProposals(b, s, e));
            case Wire.KE -> {
                need(n >= 4, "KE too short");
                yield new Payload.Ke(Bytes.u16(b, s), Arrays.copyOfRange(b, s + 4, e));
            }
            case Wire.NONCE -> {
                need(n >= 16 && n <= 256, "nonce must be 16..256 bytes");
                yield new Payload.Nonce(Arrays.copyOfRange(b, s, e));
            }
            case Wire.IDI, Wire.IDR -> {
                need(n >= 5, "ID too short");
                yield new Payload.Id(type, b[s] & 0xff, Arrays.copyOfRange(b, s + 4, e));
            }
            case Wire.AUTH -> {
                need(n >= 5, "AUTH too short");
                yield new Payload.Auth(b[s] & 0xff, Arrays.copyOfRange(b, s + 4, e));
            }
            case Wire.NOTIFY -> {
                need(n >= 4, "notify too short");
                int spiSize = b[s + 1] & 0xff;
                need(4 + spiSize <= n, "notify SPI overruns payload");
                int nt = Bytes.u16(b, s + 2);
                byte[] data = Arrays.copyOfRange(b, s + 4 + spiSize, e);
                if (nt == Wire.N_INVALID_KE_PAYLOAD) {
                    need(data.length == 2, "INVALID_KE_PAYLOAD data must be 2 bytes");
                }
                yield new Payload.Notify(b[s] & 0xff, Arrays.copyOfRange(b, s + 4, s + 4 + spiSize), nt, data);
            }
            case Wire.DELETE -> {
                need(n >= 4, "delete too short");
                int proto = b[s] & 0xff;
                int spiSize = b[s + 1] & 0xff;
                int count = Bytes.u16(b, s + 2);
                need(4 + (long) spiSize * count == n, "delete SPI count does not match length");
                need(proto != Wire.PROTO_IKE || (spiSize == 0 && count == 0) || spiSize == 8, "bad IKE delete");
                List<byte[]> spis = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    spis.add(Arrays.copyOfRange(b, s + 4 + i * spiSize, s + 4 + (i + 1) * spiSize));
                }
                yield new Payload.Delete(proto, spiSize, spis);
            }
            case Wire.VENDOR -> new Payload.VendorId(Arrays.copyOfRange(b, s, e));
            case Wire.TSI, Wire.TSR -> new Payload.Ts(type, decodeSelectors(b, s, e));
            case Wire.CERT, Wire.CERTREQ -> {
                need(n >= 1, "certificate payload without encoding");
                byte[] data = Arrays.copyOfRange(b, s + 1, e);
                yield type == Wire.CERT ? new Payload.Cert(b[s] & 0xff, data) : new Payload.CertReq(b[s] & 0xff, data);
            }
            case Wire.CP, Wire.EAP -> new Payload.Opaque(type, Arrays.copyOfRange(b, s, e));
            default -> {
                if (critical) {
                    throw new Malformed("unsupported critical payload " + type, Wire.N_UNSUPPORTED_CRITICAL_PAYLOAD);
                }
                yield new Payload.Unknown(type, false, Arrays.copyOfRange(b, s, e));
            }
        };
    }

    private static List<Proposal> decodeProposals(byte[] b, int off, int end) throws Malformed {
        List<Proposal> out = new ArrayList<>();
        boolean more = true;
        while (more) {
            need(end - off >= 8, "truncated proposal");
            more = (b[off] & 0xff) == 2;
            need(more || (b[off] & 0xff) == 0, "bad proposal last-substruc");
            int plen = Bytes.u16(b, off + 2);
            need(plen >= 8 && off + plen <= end, "proposal length out of bounds");
            int number = b[off + 4] & 0xff;
            int proto = b[off + 5] & 0xff;
            int spiSize = b[off + 6] & 0xff;
            int count = b[off + 7] & 0xff;
            need(8 + spiSize <= plen, "proposal SPI overruns proposal");
            byte[] spi = Arrays.copyOfRange(b, off + 8, off + 8 + spiSize);
            List<Transform> transforms = new ArrayList<>();
            int t = off + 8 + spiSize;
            int pend = off + plen;
            for (int i = 0; i < count; i++) {
                need(pend - t >= 8, "truncated transform");
                int last = b[t] & 0xff;
                int tlen = Bytes.u16(b, t + 2);
                need(tlen >= 8 && t + tlen <= pend, "transform length out of bounds");
                need((last == 3) == (i < count - 1), "transform count does not match last-substruc");
                transforms.add(decodeTransform(b, t, t + tlen));
                t += tlen;
            }
            need(t == pend, "proposal length does not match its transforms");
            out.add(new Proposal(number, proto, spi, List.copyOf(transforms)));
            off = pend;
        }
        need(off == end, "trailing bytes after last proposal");
        return List.copyOf(out);
    }

    private static Transform decodeTransform(byte[] b, int s, int e) throws Malformed {
        int type = b[s + 4] & 0xff;
        int id = Bytes.u16(b, s + 6);
        int keyLength = 0;
        boolean unrecognized = type < Wire.TRANS_ENCR || type > Wire.TRANS_ESN;
        int a = s + 8;
        while (a < e) {
            need(e - a >= 4, "truncated attribute");
            int at = Bytes.u16(b, a);
            if ((at & 0x8000) != 0) {
                if ((at & 0x7fff) == Wire.ATTR_KEY_LENGTH) {
                    keyLength = Bytes.u16(b, a + 2);
                } else {
                    unrecognized = true;
                }
                a += 4;
            } else {
                int alen = Bytes.u16(b, a + 2);
                need(a + 4 + alen <= e, "attribute length out of bounds");
                unrecognized = true;
                a += 4 + alen;
            }
        }
        return new Transform(type, id, keyLength, unrecognized);
    }

    private static List<TrafficSelector> decodeSelectors(byte[] b, int s, int e) throws Malformed {
        need(e - s >= 4, "TS too short");
        int count = b[s] & 0xff;
        need(count > 0, "TS payload without selectors");
        List<TrafficSelector> out = new ArrayList<>();
        int o = s + 4;
        for (int i = 0; i < count; i++) {
            need(e - o >= 8, "truncated selector");
            int type = b[o] & 0xff;
            int len = Bytes.u16(b, o + 2);
            int addrLen = switch (type) {
                case Wire.TS_IPV4_ADDR_RANGE -> 4;
                case Wire.TS_IPV6_ADDR_RANGE -> 16;
                default -> throw new Malformed("unknown selector type " + type);
            };
            need(len == 8 + 2 * addrLen && o + len <= e, "selector length wrong");
            out.add(new TrafficSelector(type, b[o + 1] & 0xff, Bytes.u16(b, o + 4), Bytes.u16(b, o + 6),
                    Arrays.copyOfRange(b, o + 8, o + 8 + addrLen), Arrays.copyOfRange(b, o + 8 + addrLen, o + 8 + 2 * addrLen)));
            o += len;
        }
        need(o == e, "trailing bytes after selectors");
        return List.copyOf(out);
    }

    private static void need(boolean ok, String reason) throws Malformed {
        if (!ok) {
            throw new Malformed(reason);
        }
    }

    /** Encodes {@code payloads} as a chain; {@code lastNext} is the next-payload of the final one. */
    static void encodeChain(Bytes out, List<Payload> payloads, int lastNext) {
        for (int i = 0; i < payloads.size(); i++) {
            Payload p = payloads.get(i);
            int next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : lastNext;
            int start = out.length();
            out.u8(next).u8(p instanceof Payload.Unknown u && u.critical() ? 0x80 : 0).u16(0);
            encodeBody(out, p);
            out.set16(start + 2, out.length() - start);
        }
    }

    private static void encodeBody(Bytes out, Payload p) {
        switch (p) {
            case Payload.Sa sa -> encodeProposals(out, sa.proposals());
            case Payload.Ke ke -> out.u16(ke.group()).u16(0).bytes(ke.data());
            case Payload.Nonce n -> out.bytes(n.data());
            case Payload.Id id -> out.bytes(id.body());
            case Payload.Auth a -> out.u8(a.method()).u8(0).u16(0).bytes(a.data());
            case Payload.Notify n -> out.u8(n.protocolId()).u8(n.spi().length).u16(n.notifyType()).bytes(n.spi()).bytes(n.data());
            case Payload.Delete d -> {
                out.u8(d.protocolId()).u8(d.spiSize()).u16(d.spis().size());
                d.spis().forEach(out::bytes);
            }
            case Payload.VendorId v -> out.bytes(v.data());
            case Payload.Ts ts -> {
                out.u8(ts.selectors().size()).u8(0).u16(0);
                for (TrafficSelector s : ts.selectors()) {
                    out.u8(s.type()).u8(s.ipProtocol()).u16(8 + 2 * s.startAddress().length)
                            .u16(s.startPort()).u16(s.endPort()).bytes(s.startAddress()).bytes(s.endAddress());
                }
            }
            case Payload.Cert c -> out.u8(c.encoding()).bytes(c.data());
            case Payload.CertReq c -> out.u8(c.encoding()).bytes(c.authorities());
            case Payload.Opaque o -> out.bytes(o.body());
            case Payload.Unknown u -> out.bytes(u.body());
        }
    }

    private static void encodeProposals(Bytes out, List<Proposal> proposals) {
        for (int i = 0; i < proposals.size(); i++) {
            Proposal p = proposals.get(i);
            int start = out.length();
            out.u8(i + 1 < proposals.size() ? 2 : 0).u8(0).u16(0)
                    .u8(p.number()).u8(p.protocolId()).u8(p.spi().length).u8(p.transforms().size()).bytes(p.spi());
            for (int t = 0; t < p.transforms().size(); t++) {
                Transform tr = p.transforms().get(t);
                out.u8(t + 1 < p.transforms().size() ? 3 : 0).u8(0).u16(tr.keyLength() > 0 ? 12 : 8)
                        .u8(tr.type()).u8(0).u16(tr.id());
                if (tr.keyLength() > 0) {
                    out.u16(0x8000 | Wire.ATTR_KEY_LENGTH).u16(tr.keyLength());
                }
            }
            out.set16(start + 2, out.length() - start);
        }
    }
}
