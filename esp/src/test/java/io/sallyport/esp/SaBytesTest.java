package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.crypto.EncryptionAlgorithm;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each SA counts its own bytes beside its tunnel's counters, which two SAs of a rekey share. */
class SaBytesTest {
    private static final Fixtures.Suite GCM = new Fixtures.Suite(EncryptionAlgorithm.AES_128_GCM, null);

    @Test
    @DisplayName("Two SAs of one tunnel: each SA's bytes are its own packets', the tunnel's are both")
    void eachSaCountsOnlyItsOwnBytes() {
        final EspCounters tunnelOut = new EspCounters();
        final EspCounters tunnelIn = new EspCounters();
        final EspSa old = Fixtures.sa(GCM, false, 1).build();
        final EspSa replacement = Fixtures.sa(GCM, false, 2).build();
        final SaBytes oldOut = new SaBytes();
        final SaBytes newOut = new SaBytes();
        final SaBytes oldIn = new SaBytes();
        final SaBytes newIn = new SaBytes();
        final OutboundPath sendOld = new OutboundPath(old, tunnelOut, oldOut, OutboundPath.OutputForm.IP_PACKET);
        final OutboundPath sendNew = new OutboundPath(replacement, tunnelOut, newOut, OutboundPath.OutputForm.IP_PACKET);
        final EspInbound receiver = new EspInbound(tunnelIn);
        receiver.install(new InboundPath(old, tunnelIn, oldIn));
        receiver.install(new InboundPath(replacement, tunnelIn, newIn));

        final int small = sendAndReceive(sendOld, receiver, 100, 1);
        final int large = sendAndReceive(sendNew, receiver, 1000, 2) + sendAndReceive(sendNew, receiver, 500, 3);

        assertEquals(small, oldOut.get());
        assertEquals(small, oldIn.get());
        assertEquals(large, newOut.get());
        assertEquals(large, newIn.get());
        assertEquals(small + large, tunnelOut.get(EspStat.ENCRYPTED_BYTES));
        assertEquals(small + large, tunnelIn.get(EspStat.DECRYPTED_BYTES));
    }

    @Test
    @DisplayName("A packet that fails its ICV counts for no SA")
    void aDroppedPacketCountsNothing() {
        final EspSa sa = Fixtures.sa(GCM, false, 3).build();
        final SaBytes in = new SaBytes();
        final EspInbound receiver = new EspInbound(new EspCounters());
        receiver.install(new InboundPath(sa, new EspCounters(), in));
        final OutboundBatch batch = new OutboundBatch();
        final byte[] buf = Fixtures.innerV4(200, false, 4);
        new OutboundPath(sa, new EspCounters(), OutboundPath.OutputForm.IP_PACKET)
                .encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), batch);
        final byte[] wire = Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0));
        wire[wire.length - 1] ^= 1;
        receiver.receive(wire, 0, wire.length, EspInbound.InputForm.IP_PACKET, new InboundResult());
        assertEquals(0, in.get());
    }

    /** One inner packet of {@code payload} UDP bytes out through {@code out} and in again; its inner length. */
    private static int sendAndReceive(final OutboundPath out, final EspInbound in, final int payload, final long seed) {
        final byte[] buf = Fixtures.innerV4(payload, false, seed);
        final int len = Fixtures.innerLength(buf);
        final OutboundBatch batch = new OutboundBatch();
        assertEquals(OutboundPath.Outcome.SENT, out.encapsulate(buf, Fixtures.HEAD, len, batch));
        final byte[] wire = Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0));
        assertEquals(InboundResult.Kind.INNER, in.receive(wire, 0, wire.length, EspInbound.InputForm.IP_PACKET, new InboundResult()));
        return len;
    }
}
