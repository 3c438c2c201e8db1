package io.sallyport.ike.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole IKE messages: header, plaintext payloads, SK encryption (RFC 7296 §3.14), and SKF
 * fragments (RFC 7383). Decoding is total and never throws.
 */
public final class MessageCodec {

    private MessageCodec() {
    }

    /** Encodes a plaintext message (IKE_SA_INIT). */
    public static byte[] encode(IkeHeader h, List<Payload> payloads) {
        Bytes out = new Bytes();
        out.bytes(new byte[IkeHeader.SIZE]);
        PayloadCodec.encodeChain(out, payloads, Wire.NO_NEXT);
        byte[] msg = out.toArray();
        h.write(msg, payloads.isEmpty() ? Wire.NO_NEXT : payloads.getFirst().type(), msg.length);
        return msg;
    }

    /** Encodes a message whose payloads all go inside one SK payload. */
    public static byte[] encodeEncrypted(IkeHeader h, List<Payload> payloads, SkCipher cipher) {
        Bytes inner = new Bytes();
        PayloadCodec.encodeChain(inner, payloads, Wire.NO_NEXT);
        byte[] plain = inner.toArray();
        int first = payloads.isEmpty() ? Wire.NO_NEXT : payloads.getFirst().type();
        int skLen = 4 + cipher.ivSize() + cipher.ciphertextSize(plain.length) + cipher.icvSize();
        byte[] msg = new byte[IkeHeader.SIZE + skLen];
        h.write(msg, Wire.SK, msg.length);
        msg[IkeHeader.SIZE] = (byte) first;
        msg[IkeHeader.SIZE + 2] = (byte) (skLen >> 8);
        msg[IkeHeader.SIZE + 3] = (byte) skLen;
        cipher.seal(msg, IkeHeader.SIZE + 4, plain);
        return msg;
    }

    /**
     * Splits an encrypted message into SKF fragments of at most {@code maxFragment} bytes of
     * plaintext each (RFC 7383 §2.5). Returns one message when it fits.
     */
    public static List<byte[]> encodeFragmented(IkeHeader h, List<Payload> payloads, SkCipher cipher, int maxDatagram) {
        byte[] whole = encodeEncrypted(h, payloads, cipher);
        if (whole.length <= maxDatagram) {
            return List.of(whole);
        }
        Bytes inner = new Bytes();
        PayloadCodec.encodeChain(inner, payloads, Wire.NO_NEXT);
        byte[] plain = inner.toArray();
        int overhead = IkeHeader.SIZE + 8 + cipher.ivSize() + cipher.icvSize() + 16;
        int chunk = Math.max(64, maxDatagram - overhead);
        int total = (plain.length + chunk - 1) / chunk;
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            byte[] part = Arrays.copyOfRange(plain, i * chunk, Math.min(plain.length, (i + 1) * chunk));
            int skfLen = 8 + cipher.ivSize() + cipher.ciphertextSize(part.length) + cipher.icvSize();
            byte[] msg = new byte[IkeHeader.SIZE + skfLen];
            h.write(msg, Wire.SKF, msg.length);
            int o = IkeHeader.SIZE;
            msg[o] = (byte) (i == 0 && !payloads.isEmpty() ? payloads.getFirst().type() : 0);
            msg[o + 2] = (byte) (skfLen >> 8);
            msg[o + 3] = (byte) skfLen;
            msg[o + 4] = (byte) ((i + 1) >> 8);
            msg[o + 5] = (byte) (i + 1);
            msg[o + 6] = (byte) (total >> 8);
            msg[o + 7] = (byte) total;
            cipher.seal(msg, o + 8, part);
            out.add(msg);
        }
        return out;
    }

    /**
     * The fragment number of an SKF message (RFC 7383 §2.5), read without decrypting; 0 when
     * {@code msg} is not a fragment.
     */
    public static int fragmentNumber(byte[] msg) {
        if (msg.length < IkeHeader.SIZE + 8 || (msg[16] & 0xff) != Wire.SKF) {
            return 0;
        }
        return Bytes.u16(msg, IkeHeader.SIZE + 4);
    }

    /** Decodes a message that must be plaintext (no SA keys yet). */
    public static DecodeResult decodePlain(byte[] msg) {
        return decode(msg, null, null);
    }

    /**
     * Decodes {@code msg}. With a cipher, an SK payload is verified and decrypted; an SKF fragment
     * is verified, decrypted and stored in {@code fragments} until all have arrived.
     */
    public static DecodeResult decode(byte[] msg, SkCipher cipher, FragmentBuffer fragments) {
        IkeHeader h = IkeHeader.parse(msg);
        if (h == null) {
            return new DecodeResult.UnprotectedError(null, "bad IKE header");
        }
        try {
            var chain = PayloadCodec.decodeChain(msg, IkeHeader.SIZE, msg.length, h.nextPayload());
            if (chain.encryptedType() == Wire.NO_NEXT) {
                return new DecodeResult.Ok(new IkeMessage(h, chain.payloads(), false));
            }
            if (cipher == null) {
                return new DecodeResult.UnprotectedError(h, "encrypted payload without keys");
            }
            if (chain.encryptedType() == Wire.SK) {
                byte[] plain = cipher.open(msg, chain.encryptedOffset(), chain.encryptedOffset() + chain.encryptedLength());
                if (plain == null) {
                    return new DecodeResult.UnprotectedError(h, DecodeResult.Cause.INTEGRITY, "integrity check failed");
                }
                return decodeInner(h, plain, chain.innerFirst());
            }
            int o = chain.encryptedOffset();
            if (chain.encryptedLength() < 4) {
                return new DecodeResult.UnprotectedError(h, "truncated SKF payload");
            }
            int number = Bytes.u16(msg, o);
            int total = Bytes.u16(msg, o + 2);
            if (number == 0 || total == 0 || number > total || total > FragmentBuffer.MAX_FRAGMENTS) {
                return new DecodeResult.UnprotectedError(h, "bad fragment numbering");
            }
            byte[] plain = cipher.open(msg, o + 4, o + chain.encryptedLength());
            if (plain == null) {
                return new DecodeResult.UnprotectedError(h, DecodeResult.Cause.INTEGRITY, "integrity check failed");
            }
            if (fragments == null) {
                return new DecodeResult.UnprotectedError(h, "fragment without reassembly buffer");
            }
            return switch (fragments.add(h.messageId(), number, total, number == 1 ? chain.innerFirst() : -1, plain)) {
                case STORED -> new DecodeResult.Partial(h, fragments.received(), total);
                case OVER_LIMIT -> new DecodeResult.UnprotectedError(h, DecodeResult.Cause.FRAGMENT_LIMIT,
                        "fragments over the reassembly limit");
                case COMPLETE -> {
                    var done = fragments.take();
                    yield decodeInner(h, done.plain(), done.firstPayload());
                }
            };
        } catch (PayloadCodec.Malformed e) {
            return new DecodeResult.UnprotectedError(h, e.getMessage());
        } catch (RuntimeException e) {
            // Defensive: a codec bug must not escape the engine; report it as a parse failure.
            return new DecodeResult.UnprotectedError(h, "decoder fault: " + e);
        }
    }

    private static DecodeResult decodeInner(IkeHeader h, byte[] plain, int first) {
        try {
            var inner = PayloadCodec.decodeChain(plain, 0, plain.length, first);
            if (inner.encryptedType() != Wire.NO_NEXT) {
                return new DecodeResult.ProtectedError(h, Wire.N_INVALID_SYNTAX, "nested encrypted payload");
            }
            return new DecodeResult.Ok(new IkeMessage(h, inner.payloads(), true));
        } catch (PayloadCodec.Malformed e) {
            return new DecodeResult.ProtectedError(h, e.notifyType, e.getMessage());
        }
    }
}
