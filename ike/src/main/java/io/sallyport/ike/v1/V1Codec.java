package io.sallyport.ike.v1;

import io.sallyport.ike.message.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ISAKMP payload encoding and decoding (RFC 2408 §3). Decoding checks every length against its
 * container and returns null for anything malformed; it never throws on network input.
 */
final class V1Codec {

    /** More payloads than any IKEv1 message needs: a bound on work per datagram. */
    private static final int MAX_PAYLOADS = 32;
    private static final int MAX_PROPOSALS = 16;
    private static final int MAX_TRANSFORMS = 64;

    private V1Codec() {
    }

    // ---------------------------------------------------------------- encoding

    /** The payload chain with generic headers; the caller puts {@code payloads[0].type()} in front. */
    static byte[] chain(List<V1Payload> payloads) {
        Bytes b = new Bytes();
        for (int i = 0; i < payloads.size(); i++) {
            V1Payload p = payloads.get(i);
            byte[] body = body(p);
            b.u8(i + 1 < payloads.size() ? payloads.get(i + 1).type() : Isakmp.P_NONE).u8(0).u16(body.length + 4).bytes(body);
        }
        return b.toArray();
    }

    /** A plain (unencrypted) message. */
    static byte[] plain(IsakmpHeader h, List<V1Payload> payloads) {
        byte[] c = chain(payloads);
        return withHeader(h, payloads.isEmpty() ? 0 : payloads.getFirst().type(), 0, c);
    }

    static byte[] withHeader(IsakmpHeader h, int firstPayload, int flags, byte[] body) {
        byte[] out = new byte[Isakmp.HEADER_SIZE + body.length];
        h.withLength(firstPayload, flags, out.length).write(out);
        System.arraycopy(body, 0, out, Isakmp.HEADER_SIZE, body.length);
        return out;
    }

    /** The payload body without its generic header (what SAi_b and IDii_b mean). */
    static byte[] body(V1Payload p) {
        Bytes b = new Bytes();
        switch (p) {
            case V1Payload.Sa sa -> {
                b.u32(sa.doi()).u32(sa.situation());
                for (int i = 0; i < sa.proposals().size(); i++) {
                    byte[] prop = proposal(sa.proposals().get(i));
                    b.u8(i + 1 < sa.proposals().size() ? Isakmp.P_PROPOSAL : 0).u8(0).u16(prop.length + 4).bytes(prop);
                }
            }
            case V1Payload.Ke ke -> b.bytes(ke.data());
            case V1Payload.Id id -> b.u8(id.idType()).u8(id.protocol()).u16(id.port()).bytes(id.data());
            case V1Payload.Hash h -> b.bytes(h.data());
            case V1Payload.Nonce n -> b.bytes(n.data());
            case V1Payload.Cert c -> b.u8(c.encoding()).bytes(c.data());
            case V1Payload.CertReq c -> b.u8(c.encoding()).bytes(c.authority());
            case V1Payload.Sig g -> b.bytes(g.data());
            case V1Payload.Notify n -> b.u32(n.doi()).u8(n.protocol()).u8(n.spi().length).u16(n.notifyType())
                    .bytes(n.spi()).bytes(n.data());
            case V1Payload.Delete d -> {
                b.u32(d.doi()).u8(d.protocol()).u8(d.spiSize()).u16(d.spis().size());
                d.spis().forEach(b::bytes);
            }
            case V1Payload.VendorId v -> b.bytes(v.data());
            case V1Payload.NatD n -> b.bytes(n.hash());
            case V1Payload.Unknown u -> b.bytes(u.body());
        }
        return b.toArray();
    }

    private static byte[] proposal(V1Payload.SaProposal p) {
        Bytes b = new Bytes();
        b.u8(p.number()).u8(p.protocol()).u8(p.spi().length).u8(p.transforms().size()).bytes(p.spi());
        for (int i = 0; i < p.transforms().size(); i++) {
            V1Payload.SaTransform t = p.transforms().get(i);
            Bytes tb = new Bytes();
            tb.u8(t.number()).u8(t.transformId()).u16(0);
            for (V1Payload.Attribute a : t.attributes()) {
                if (a.value() >= 0 && a.value() <= 0xffff) {
                    tb.u16(0x8000 | a.type()).u16((int) a.value());
                } else if (a.value() >= 0 && a.value() <= 0xffffffffL) {
                    tb.u16(a.type()).u16(4).u32(a.value());
                } else {
                    // Up to 8 bytes decode (a peer's long lifetime): echoed whole, not cut to 32 bits.
                    tb.u16(a.type()).u16(8).u32(a.value() >>> 32).u32(a.value());
                }
            }
            byte[] tbytes = tb.toArray();
            b.u8(i + 1 < p.transforms().size() ? Isakmp.P_TRANSFORM : 0).u8(0).u16(tbytes.length + 4).bytes(tbytes);
        }
        return b.toArray();
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes the payload chain starting with {@code first} in {@code body}; bytes after the last
     * payload are padding (allowed only when {@code padded}). Null when malformed.
     */
    static V1Message decode(IsakmpHeader h, byte[] body, boolean padded) {
        List<V1Payload> payloads = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        int type = h.nextPayload();
        int off = 0;
        int hashEnd = -1;
        while (type != Isakmp.P_NONE) {
            if (payloads.size() >= MAX_PAYLOADS || off + 4 > body.length) {
                return null;
            }
            int next = body[off] & 0xff;
            int len = Bytes.u16(body, off + 2);
            if (len < 4 || off + len > body.length) {
                return null;
            }
            byte[] pb = Arrays.copyOfRange(body, off + 4, off + len);
            V1Payload p = payload(type, pb);
            if (p == null) {
                return null;
            }
            payloads.add(p);
            bodies.add(pb);
            off += len;
            if (payloads.size() == 1 && p instanceof V1Payload.Hash) {
                hashEnd = off;
            }
            type = next;
        }
        if (off != body.length && !padded) {
            return null;
        }
        byte[] afterHash = hashEnd < 0 ? new byte[0] : Arrays.copyOfRange(body, hashEnd, off);
        return new V1Message(h, List.copyOf(payloads), List.copyOf(bodies), afterHash);
    }

    private static V1Payload payload(int type, byte[] b) {
        return switch (type) {
            case Isakmp.P_SA -> sa(b);
            case Isakmp.P_KE -> b.length == 0 ? null : new V1Payload.Ke(b);
            case Isakmp.P_ID -> b.length < 4 ? null
                    : new V1Payload.Id(b[0] & 0xff, b[1] & 0xff, Bytes.u16(b, 2), Arrays.copyOfRange(b, 4, b.length));
            case Isakmp.P_HASH -> b.length == 0 ? null : new V1Payload.Hash(b);
            case Isakmp.P_CERT -> b.length < 2 ? null : new V1Payload.Cert(b[0] & 0xff, Arrays.copyOfRange(b, 1, b.length));
            case Isakmp.P_CERTREQ -> b.length < 1 ? null : new V1Payload.CertReq(b[0] & 0xff, Arrays.copyOfRange(b, 1, b.length));
            case Isakmp.P_SIG -> b.length == 0 ? null : new V1Payload.Sig(b);
            case Isakmp.P_NONCE -> b.length < 8 || b.length > 256 ? null : new V1Payload.Nonce(b);
            case Isakmp.P_NOTIFY -> notify(b);
            case Isakmp.P_DELETE -> delete(b);
            case Isakmp.P_VENDOR -> new V1Payload.VendorId(b);
            case Isakmp.P_NAT_D, Isakmp.P_NAT_D_DRAFT -> new V1Payload.NatD(type, b);
            default -> new V1Payload.Unknown(type, b);
        };
    }

    private static V1Payload notify(byte[] b) {
        if (b.length < 8) {
            return null;
        }
        int spiSize = b[5] & 0xff;
        if (8 + spiSize > b.length) {
            return null;
        }
        return new V1Payload.Notify((int) Bytes.u32(b, 0), b[4] & 0xff, Arrays.copyOfRange(b, 8, 8 + spiSize),
                Bytes.u16(b, 6), Arrays.copyOfRange(b, 8 + spiSize, b.length));
    }

    private static V1Payload delete(byte[] b) {
        if (b.length < 8) {
            return null;
        }
        int spiSize = b[5] & 0xff;
        int n = Bytes.u16(b, 6);
        if (spiSize == 0 || 8 + (long) spiSize * n != b.length) {
            return null;
        }
        List<byte[]> spis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            spis.add(Arrays.copyOfRange(b, 8 + i * spiSize, 8 + (i + 1) * spiSize));
        }
        return new V1Payload.Delete((int) Bytes.u32(b, 0), b[4] & 0xff, spiSize, spis);
    }

    private static V1Payload sa(byte[] b) {
        if (b.length < 8) {
            return null;
        }
        int doi = (int) Bytes.u32(b, 0);
        int situation = (int) Bytes.u32(b, 4);
        List<V1Payload.SaProposal> proposals = new ArrayList<>();
        int off = 8;
        boolean more = off < b.length;
        while (more) {
            if (proposals.size() >= MAX_PROPOSALS || off + 8 > b.length) {
                return null;
            }
            int next = b[off] & 0xff;
            int len = Bytes.u16(b, off + 2);
            if (len < 8 || off + len > b.length || (next != 0 && next != Isakmp.P_PROPOSAL)) {
                return null;
            }
            V1Payload.SaProposal p = proposal(Arrays.copyOfRange(b, off + 4, off + len));
            if (p == null) {
                return null;
            }
            proposals.add(p);
            off += len;
            more = next == Isakmp.P_PROPOSAL;
        }
        if (off != b.length || proposals.isEmpty()) {
            return null;
        }
        return new V1Payload.Sa(doi, situation, List.copyOf(proposals));
    }

    private static V1Payload.SaProposal proposal(byte[] b) {
        int spiSize = b[2] & 0xff;
        int count = b[3] & 0xff;
        if (4 + spiSize > b.length || count > MAX_TRANSFORMS) {
            return null;
        }
        byte[] spi = Arrays.copyOfRange(b, 4, 4 + spiSize);
        List<V1Payload.SaTransform> transforms = new ArrayList<>();
        int off = 4 + spiSize;
        for (int i = 0; i < count; i++) {
            if (off + 8 > b.length) {
                return null;
            }
            int len = Bytes.u16(b, off + 2);
            if (len < 8 || off + len > b.length) {
                return null;
            }
            List<V1Payload.Attribute> attrs = attributes(b, off + 8, off + len);
            if (attrs == null) {
                return null;
            }
            transforms.add(new V1Payload.SaTransform(b[off + 4] & 0xff, b[off + 5] & 0xff, attrs));
            off += len;
        }
        if (off != b.length) {
            return null;
        }
        return new V1Payload.SaProposal(b[0] & 0xff, b[1] & 0xff, spi, List.copyOf(transforms));
    }

    /** Attributes on their own (a RESPONDER-LIFETIME's data), as a transform without ID; null when malformed. */
    static V1Payload.SaTransform attributesOf(byte[] b) {
        List<V1Payload.Attribute> a = attributes(b, 0, b.length);
        return a == null ? null : new V1Payload.SaTransform(0, 0, a);
    }

    private static List<V1Payload.Attribute> attributes(byte[] b, int off, int end) {
        List<V1Payload.Attribute> out = new ArrayList<>();
        while (off < end) {
            if (off + 4 > end || out.size() > 32) {
                return null;
            }
            int t = Bytes.u16(b, off);
            if ((t & 0x8000) != 0) {
                out.add(new V1Payload.Attribute(t & 0x7fff, Bytes.u16(b, off + 2)));
                off += 4;
            } else {
                int len = Bytes.u16(b, off + 2);
                if (len == 0 || len > 8 || off + 4 + len > end) {
                    return null;
                }
                long v = 0;
                for (int i = 0; i < len; i++) {
                    v = (v << 8) | (b[off + 4 + i] & 0xff);
                }
                out.add(new V1Payload.Attribute(t, v));
                off += 4 + len;
            }
        }
        return List.copyOf(out);
    }
}
