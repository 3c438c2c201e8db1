package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.sallyport.gateway.runtime.RuntimeTestPorts.RecordingTun;
import org.junit.jupiter.api.Test;

/** The single-producer, single-consumer ring that carries decrypted packets to a TUN device's owner. */
class TunHandoffTest {

    private static TunHandoff handoff(int capacity, RecordingTun tun) {
        return new TunHandoff(capacity, new OutboundAgent("out-test0", tun, RuntimeTestPorts.NO_SLEEP, id -> { }, id -> { }, w -> { }));
    }

    private static byte[] packet(int length, int fill) {
        byte[] p = new byte[length];
        Arrays.fill(p, (byte) fill);
        return p;
    }

    @Test
    void shouldDeliverPacketsInOrderAcrossTheEndOfTheRing() {
        RecordingTun tun = new RecordingTun();
        TunHandoff h = handoff(4096, tun);
        List<byte[]> sent = new ArrayList<>();
        // 1,401-byte records do not divide 4,096: the ring wraps with padding again and again.
        for (int round = 0; round < 20; round++) {
            byte[] p = packet(1401, round);
            assertTrue(h.offer(p, 0, p.length), "round " + round);
            sent.add(p);
            byte[] q = packet(61, 100 + round);
            assertTrue(h.offer(q, 0, q.length));
            sent.add(q);
            assertEquals(2, h.drainTo(tun, Integer.MAX_VALUE));
            assertTrue(h.isEmpty());
        }
        assertEquals(sent.size(), tun.written.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), tun.written.get(i), "packet " + i);
        }
    }

    @Test
    void shouldRefuseAPacketThatDoesNotFitUntilTheConsumerCatchesUp() {
        RecordingTun tun = new RecordingTun();
        TunHandoff h = handoff(4096, tun);
        byte[] p = packet(1400, 7);
        assertTrue(h.offer(p, 0, p.length));
        assertTrue(h.offer(p, 0, p.length));
        assertFalse(h.offer(p, 0, p.length), "a third 1,404-byte record needs more than the 1,384 bytes left");
        assertEquals(1, h.drainTo(tun, 1));
        assertTrue(h.offer(p, 0, p.length), "room again once the consumer took one");
        assertEquals(2, h.drainTo(tun, Integer.MAX_VALUE));
        assertEquals(3, tun.written.size());
    }

    @Test
    void shouldRefuseAPacketLargerThanTheRing() {
        TunHandoff h = handoff(4096, new RecordingTun());
        byte[] big = packet(5000, 1);
        assertFalse(h.offer(big, 0, big.length));
        assertTrue(h.isEmpty());
    }

    @Test
    void shouldCarryEveryPacketFromAnotherThread() throws Exception {
        RecordingTun tun = new RecordingTun();
        TunHandoff h = handoff(1 << 14, tun);
        int count = 20_000;
        Thread producer = Thread.ofPlatform().start(() -> {
            byte[] p = new byte[4];
            for (int i = 0; i < count; ) {
                p[0] = (byte) (i >>> 24);
                p[1] = (byte) (i >>> 16);
                p[2] = (byte) (i >>> 8);
                p[3] = (byte) i;
                if (h.offer(p, 0, 4)) {
                    i++;
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        while (tun.written.size() < count) {
            if (h.drainTo(tun, 64) == 0) {
                Thread.onSpinWait();
            }
        }
        producer.join();
        for (int i = 0; i < count; i++) {
            byte[] p = tun.written.get(i);
            assertEquals(i, (p[0] & 0xFF) << 24 | (p[1] & 0xFF) << 16 | (p[2] & 0xFF) << 8 | (p[3] & 0xFF));
        }
    }
}
