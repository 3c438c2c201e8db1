package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.TextbookChecksum;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The service set's {@code tcp-mss} in the tunnel's data path: SYNs sealed into the tunnel and
 * opened from it leave with their MSS at most the ceiling and a TCP checksum that verifies
 * (summed here word by word, not with the code under test), counted as "SYN Received" and
 * "SYN Modified".
 */
class TcpMssTest {
    private static final Fixtures.Suite GCM = new Fixtures.Suite(EncryptionAlgorithm.AES_128_GCM, null);
    private static final Fixtures.Suite CBC = new Fixtures.Suite(EncryptionAlgorithm.AES_128_CBC,
            IntegrityAlgorithm.HMAC_SHA1_96);
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;

    private final EspCounters sender = new EspCounters();
    private final EspCounters receiver = new EspCounters();

    @Test
    @DisplayName("A SYN sealed into the tunnel leaves with its MSS lowered to tcp-mss and a valid checksum")
    void outboundSynIsClamped() {
        byte[] inner = through(Fixtures.sa(GCM, false, 1).tcpMss(1300).build(), Fixtures.sa(GCM, false, 1).build(),
                syn(true, SYN, 1460, 0));
        assertEquals(1300, mss(inner));
        assertEquals(0, tcpChecksumResidue(inner));
        assertEquals(1, sender.get(EspStat.TCP_SYNS));
        assertEquals(1, sender.get(EspStat.TCP_MSS_CLAMPED));
        assertEquals(0, receiver.get(EspStat.TCP_SYNS));
    }

    @Test
    @DisplayName("A SYN-ACK opened from the tunnel is clamped before it goes inside")
    void inboundSynAckIsClamped() {
        byte[] inner = through(Fixtures.sa(CBC, true, 2).build(), Fixtures.sa(CBC, true, 2).tcpMss(1200).build(),
                syn(false, SYN | ACK, 1440, 1));
        assertEquals(1200, mss(inner));
        assertEquals(0, tcpChecksumResidue(inner));
        assertEquals(1, receiver.get(EspStat.TCP_MSS_CLAMPED));
    }

    @Test
    @DisplayName("Passive mode still clamps: it turns off the IP checks, not tcp-mss")
    void passiveModeClamps() {
        byte[] inner = through(Fixtures.sa(GCM, false, 3).passiveMode(true).tcpMss(1400).build(),
                Fixtures.sa(GCM, false, 3).passiveMode(true).tcpMss(1400).build(), syn(true, SYN, 8960, 0));
        assertEquals(1400, mss(inner));
        assertEquals(0, tcpChecksumResidue(inner));
        assertEquals(1, sender.get(EspStat.TCP_MSS_CLAMPED));
        // The receiver saw a SYN already at the ceiling: counted, not modified.
        assertEquals(1, receiver.get(EspStat.TCP_SYNS));
        assertEquals(0, receiver.get(EspStat.TCP_MSS_CLAMPED));
    }

    @Test
    @DisplayName("Smaller MSS, non-SYN segments and sets without tcp-mss pass byte for byte")
    void everythingElsePassesUnchanged() {
        EspSa clamping = Fixtures.sa(GCM, false, 4).tcpMss(1300).build();
        byte[] small = syn(true, SYN, 1200, 0);
        assertArrayEquals(innerOf(small), through(clamping, Fixtures.sa(GCM, false, 4).build(), small));
        byte[] ack = syn(true, ACK, 1460, 0);
        assertArrayEquals(innerOf(ack), through(clamping, Fixtures.sa(GCM, false, 4).build(), ack));
        assertEquals(1, sender.get(EspStat.TCP_SYNS));
        assertEquals(0, sender.get(EspStat.TCP_MSS_CLAMPED));
        byte[] unclamped = syn(true, SYN, 1460, 0);
        assertArrayEquals(innerOf(unclamped),
                through(Fixtures.sa(GCM, false, 5).build(), Fixtures.sa(GCM, false, 5).build(), unclamped));
    }

    /** Encapsulates {@code buf}'s inner packet with {@code out}, decapsulates with {@code in}; the inner packet received. */
    private byte[] through(EspSa out, EspSa in, byte[] buf) {
        OutboundPath tx = new OutboundPath(out, sender, OutboundPath.OutputForm.IP_PACKET);
        EspInbound rx = new EspInbound(receiver);
        rx.install(new InboundPath(in, receiver));
        OutboundBatch batch = new OutboundBatch();
        assertEquals(OutboundPath.Outcome.SENT, tx.encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), batch));
        byte[] wire = Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0));
        InboundResult result = new InboundResult();
        assertEquals(InboundResult.Kind.INNER, rx.receive(wire, 0, wire.length, EspInbound.InputForm.IP_PACKET, result));
        byte[] inner = Arrays.copyOfRange(wire, result.innerOffset(), result.innerOffset() + result.innerLength());
        // The tunnel is a hop: put back the TTL it took so the rest compares byte for byte.
        if ((inner[0] & 0xF0) == 0x40) {
            inner[8]++;
            put16(inner, 10, 0);
            put16(inner, 10, TextbookChecksum.of(inner, 0, 20, 0));
        } else {
            inner[7]++;
        }
        return inner;
    }

    private static byte[] innerOf(byte[] buf) {
        return Arrays.copyOfRange(buf, Fixtures.HEAD, Fixtures.HEAD + Fixtures.innerLength(buf));
    }

    /**
     * A TCP segment at {@link Fixtures#HEAD} with options MSS, SACK-permitted, timestamps,
     * NOP and window scale (Linux's SYN layout), 10 payload bytes, valid checksums; IPv6 with
     * {@code hopByHop} 8-byte hop-by-hop headers in front of TCP.
     */
    private static byte[] syn(boolean v4, int flags, int mss, int hopByHop) {
        byte[] options = {2, 4, (byte) (mss >>> 8), (byte) mss, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
        int ip = v4 ? 20 : 40 + 8 * hopByHop;
        int total = ip + 20 + options.length + 10;
        byte[] b = new byte[Fixtures.HEAD + total + Fixtures.TAIL];
        int o = Fixtures.HEAD;
        if (v4) {
            b[o] = 0x45;
            put16(b, o + 2, total);
            b[o + 6] = 0x40;
            b[o + 8] = 64;
            b[o + 9] = 6;
            System.arraycopy(new byte[] {10, 0, 0, 1, 10, 0, 1, 2}, 0, b, o + 12, 8);
            put16(b, o + 10, TextbookChecksum.of(b, o, 20, 0));
        } else {
            b[o] = 0x60;
            put16(b, o + 4, total - 40);
            b[o + 6] = (byte) (hopByHop > 0 ? 0 : 6);
            b[o + 7] = 64;
            System.arraycopy(Fixtures.addr("2001:db8:1::1").getAddress(), 0, b, o + 8, 16);
            System.arraycopy(Fixtures.addr("2001:db8:2::2").getAddress(), 0, b, o + 24, 16);
            for (int h = 0; h < hopByHop; h++) {
                int at = o + 40 + 8 * h;
                b[at] = (byte) (h == hopByHop - 1 ? 6 : 0);
                b[at + 2] = 1; // PadN over the rest
                b[at + 3] = 4;
            }
        }
        int tcp = o + ip;
        put16(b, tcp, 40000);
        put16(b, tcp + 2, 80);
        b[tcp + 7] = 1;
        b[tcp + 12] = (byte) (((20 + options.length) / 4) << 4);
        b[tcp + 13] = (byte) flags;
        put16(b, tcp + 14, 64240);
        System.arraycopy(options, 0, b, tcp + 20, options.length);
        put16(b, tcp + 16, TextbookChecksum.of(b, tcp, total - ip, pseudoSum(b, o, total - ip)));
        return b;
    }

    private static int tcpOffset(byte[] p) {
        if ((p[0] & 0xF0) == 0x40) {
            return (p[0] & 0x0F) * 4;
        }
        int at = 40;
        while ((p[at == 40 ? 6 : at - 8] & 0xFF) == 0) {
            at += 8;
        }
        return at;
    }

    private static int mss(byte[] inner) {
        return u16(inner, tcpOffset(inner) + 22);
    }

    /** The TCP checksum over pseudo-header and segment, field included: 0 when it verifies. */
    private static int tcpChecksumResidue(byte[] p) {
        int tcp = tcpOffset(p);
        return TextbookChecksum.of(p, tcp, p.length - tcp, pseudoSum(p, 0, p.length - tcp));
    }

    private static int pseudoSum(byte[] p, int ip, int tcpLen) {
        boolean v4 = (p[ip] & 0xF0) == 0x40;
        long sum = 6 + tcpLen;
        for (int i = v4 ? 12 : 8; i < (v4 ? 20 : 40); i += 2) {
            sum += u16(p, ip + i);
        }
        return (int) sum;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
