package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.EspCipher;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.Bytes;

/**
 * Coverage-guided fuzzing of ESP inbound decapsulation (Jazzer). Each input is up to four packets
 * to one installed SA: either raw bytes in any input form, or an ESP packet whose plaintext
 * (inner packet, padding, pad length, next header) the fuzzer writes and which is sealed under
 * the SA's own keys, so the trailer and inner-packet checks behind the ICV are reached.
 *
 * <p>Oracles: nothing throws; a packet is dropped exactly when one drop is counted; what is passed
 * on lies inside the buffer.
 */
class EspInboundFuzzTest {

    private static final Fixtures.Suite[] SUITES = {
        new Fixtures.Suite(EncryptionAlgorithm.AES_128_GCM, null),
        new Fixtures.Suite(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA1_96),
        new Fixtures.Suite(EncryptionAlgorithm.NULL, IntegrityAlgorithm.HMAC_SHA_256_128),
    };

    @FuzzTest
    void receive(FuzzedDataProvider in) {
        Fixtures.Suite suite = in.pickValue(SUITES);
        boolean esn = in.consumeBoolean();
        UdpEncapsulation udp = in.consumeBoolean() ? UdpEncapsulation.natT() : UdpEncapsulation.NONE;
        EspSa sa = Fixtures.sa(suite, in.consumeBoolean(), 7).udp(udp).esn(esn).build();
        EspCounters counters = new EspCounters();
        EspInbound inbound = new EspInbound(counters);
        inbound.install(new InboundPath(sa, counters));
        InboundResult result = new InboundResult();
        int packets = in.consumeInt(1, 4);
        for (int i = 0; i < packets; i++) {
            byte[] p;
            EspInbound.InputForm form;
            if (in.consumeBoolean()) {
                p = sealed(in, sa, esn);
                form = EspInbound.InputForm.ESP;
            } else {
                p = in.consumeBytes(in.consumeInt(0, 1600));
                form = in.pickValue(EspInbound.InputForm.values());
            }
            long dropsBefore = counters.totalDrops();
            InboundResult.Kind kind = inbound.receive(p, 0, p.length, form, result);
            assertEquals(kind == InboundResult.Kind.DROPPED ? 1 : 0, counters.totalDrops() - dropsBefore,
                    () -> kind + " " + result.drop());
            if (kind == InboundResult.Kind.INNER || kind == InboundResult.Kind.IKE) {
                assertTrue(result.innerOffset() >= 0 && result.innerLength() >= 0
                        && result.innerOffset() + result.innerLength() <= p.length,
                        () -> kind + " at " + result.innerOffset() + "+" + result.innerLength() + " of " + p.length);
            }
        }
    }

    /**
     * SPI, a fuzzer-chosen sequence number and plaintext (padded to the cipher's alignment), sealed.
     * A sender of its own for each packet: the fuzzer may repeat a sequence number, and one JCE GCM
     * cipher refuses to reuse an IV (a real sender never repeats one).
     */
    private static byte[] sealed(FuzzedDataProvider in, EspSa sa, boolean esn) {
        EspCipher cipher = EspCipher.create(sa.encryption(), sa.integrity(), sa.encryptionKey(), sa.integrityKey(), 1);
        long seq = in.consumeBoolean() ? in.consumeLong(1, 40) : in.consumeLong();
        byte[] plain = in.consumeBytes(in.consumeInt(0, 1500));
        int aligned = Math.max(cipher.alignment(), (plain.length + cipher.alignment() - 1) / cipher.alignment() * cipher.alignment());
        byte[] p = new byte[8 + cipher.ivSize() + aligned + cipher.icvSize()];
        Bytes.put32(p, 0, in.consumeBoolean() ? sa.spi() : in.consumeInt());
        Bytes.put32(p, 4, (int) seq);
        System.arraycopy(plain, 0, p, 8 + cipher.ivSize(), plain.length);
        cipher.seal(p, 0, aligned, seq, esn);
        return p;
    }
}
