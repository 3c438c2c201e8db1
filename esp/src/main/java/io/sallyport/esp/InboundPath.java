package io.sallyport.esp;

import io.sallyport.crypto.EspCipher;
import io.sallyport.packet.Bytes;
import io.sallyport.packet.IpProtocol;

/**
 * Inbound ESP tunnel mode for one SA (RFC 4303 §3.4). Owned by one worker thread.
 *
 * <pre>
 * 1. Length: header, IV, at least one aligned block and the ICV; ciphertext block-aligned.
 * 2. Sequence number: ESN high half inferred (RFC 4303 Appendix A2); replay check, read-only.
 * 3. ICV verified and payload decrypted in place; a failure moves nothing (§3.4.4).
 * 4. Replay window updated: only now (§3.4.3).
 * 5. Trailer: padding 1,2,3..., next header 4 or 41 (59 is a dummy packet, dropped).
 * 6. Inner packet: version matches next header; active checks unless passive; header-integrity-check.
 * 7. tcp-mss: a SYN's MSS option above it is lowered to it (also in passive mode).
 * </pre>
 */
public final class InboundPath {
    private final EspSa sa;
    private final EspCipher cipher;
    private final EspCounters counters;
    private final SaBytes saBytes;
    private final ReplayWindow replay;
    private final int espHeader;
    private final int align;
    private final int icv;
    private final int minLength;
    /** Highest authenticated sequence number, tracked for ESN even without anti-replay. */
    private long top;

    public InboundPath(final EspSa sa, final EspCounters counters) {
        this(sa, counters, new SaBytes(), 0L);
    }

    /** {@code saBytes}: this SA's own byte count, beside its tunnel's {@code counters}. */
    public InboundPath(final EspSa sa, final EspCounters counters, final SaBytes saBytes) {
        this(sa, counters, saBytes, 0L);
    }

    /** {@code highestSequence}: 0 for a new SA; tests start near a 2^32 boundary with it. */
    InboundPath(final EspSa sa, final EspCounters counters, final SaBytes saBytes, final long highestSequence) {
        this.top = highestSequence;
        this.sa = sa;
        this.counters = counters;
        this.saBytes = saBytes;
        this.cipher = EspCipher.create(sa.encryption(), sa.integrity(), sa.encryptionKey(), sa.integrityKey(),
                sa.ivSeed());
        this.replay = sa.replayWindow() == 0 ? null : new ReplayWindow(sa.replayWindow());
        this.espHeader = 8 + cipher.ivSize();
        this.align = cipher.alignment();
        this.icv = cipher.icvSize();
        this.minLength = cipher.minimumEspLength();
    }

    public EspSa sa() { return sa; }
    public int spi() { return sa.spi(); }
    /** Highest authenticated sequence number. */
    public long highestSequence() { return top; }

    /**
     * Decapsulates the ESP packet at {@code buf[esp .. esp+espLen)} (SPI first). Never throws on
     * bad input: drops are counted and reported in {@code out}.
     */
    public InboundResult.Kind decapsulate(final byte[] buf, final int esp, final int espLen, final InboundResult out) {
        if (espLen < minLength || (espLen - espHeader - icv) % align != 0) {
            return drop(out, DropReason.BAD_LENGTH);
        }
        final long low = Bytes.u32(buf, esp + 4);
        final long seq = sa.esn() ? inferEsn(low) : low;
        if (replay != null) {
            final int verdict = replay.check(seq);
            if (verdict == ReplayWindow.REPLAYED) {
                return drop(out, DropReason.REPLAY);
            }
            if (verdict == ReplayWindow.TOO_OLD) {
                return drop(out, DropReason.REPLAY_BEFORE_WINDOW);
            }
        }
        final int ptLen = cipher.open(buf, esp, espLen, seq, sa.esn());
        if (ptLen < 0) {
            return drop(out, DropReason.AUTHENTICATION);
        }
        if (replay != null) {
            replay.accept(seq);
        }
        if (Long.compareUnsigned(seq, top) > 0) {
            top = seq;
        }
        final int pt = esp + espHeader;
        final int nextHeader = buf[pt + ptLen - 1] & 0xFF;
        final int padLen = buf[pt + ptLen - 2] & 0xFF;
        final int innerLen = ptLen - padLen - 2;
        if (innerLen < 0) {
            return drop(out, DropReason.BAD_PADDING);
        }
        for (int i = 0; i < padLen; i++) {
            if (buf[pt + innerLen + i] != (byte) (i + 1)) {
                return drop(out, DropReason.BAD_PADDING);
            }
        }
        if (nextHeader == IpProtocol.NO_NEXT_HEADER) {
            return drop(out, DropReason.DUMMY_PACKET);
        }
        if (nextHeader != IpProtocol.IPV4 && nextHeader != IpProtocol.IPV6) {
            return drop(out, DropReason.BAD_NEXT_HEADER);
        }
        if (innerLen < 1 || ((buf[pt] & 0xF0) >>> 4) != (nextHeader == IpProtocol.IPV4 ? 4 : 6)) {
            return drop(out, DropReason.INNER_BAD_VERSION);
        }
        int len = innerLen;
        if (!sa.passiveMode()) {
            len = InnerChecks.ipLength(buf, pt, innerLen);
            if (len < 0) {
                return drop(out, DropReason.INNER_MALFORMED);
            }
            DropReason bad = InnerChecks.active(buf, pt, len);
            if (bad == null && sa.headerIntegrityCheck()) {
                bad = InnerChecks.headers(buf, pt, len);
            }
            if (bad != null) {
                return drop(out, bad);
            }
        }
        if (sa.tcpMss() != EspSa.NO_TCP_MSS) {
            MssClamping.clamp(buf, pt, len, sa.tcpMss(), counters);
        }
        counters.add(EspStat.DECRYPTED_BYTES, len);
        saBytes.add(len);
        counters.increment(EspStat.DECRYPTED_PACKETS);
        out.inner(this, pt, len);
        return InboundResult.Kind.INNER;
    }

    /**
     * RFC 4303 Appendix A2.2: choose the high half that puts the sequence number in or just above
     * the window. A number from before the first subspace maps to 0, which is never valid.
     */
    private long inferEsn(final long low) {
        final long w = replay != null ? replay.size() : 1L << 31;
        final long th = top >>> 32;
        final long tl = top & 0xFFFF_FFFFL;
        long high;
        if (tl >= w - 1) {
            high = low >= tl - w + 1 ? th : th + 1;
        } else {
            high = low >= ((tl - w + 1) & 0xFFFF_FFFFL) ? th - 1 : th;
        }
        if (high < 0) {
            return 0; // below the first subspace: sequence 0 is never valid, the replay check rejects it
        }
        return (high << 32) | low;
    }

    private InboundResult.Kind drop(final InboundResult out, final DropReason reason) {
        counters.drop(reason);
        out.dropped(reason);
        return InboundResult.Kind.DROPPED;
    }
}
