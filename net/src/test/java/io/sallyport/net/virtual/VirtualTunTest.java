package io.sallyport.net.virtual;

import io.sallyport.net.PortCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualTunTest {

    private final VirtualTun tun = new VirtualTun("ms-1_2_0.1", 1400, 2);
    private final byte[] buf = new byte[2000];

    @Test
    void shouldHandInjectedPacketsToTheEngineInOrder() {
        assertFalse(tun.awaitReadable(0));
        assertTrue(tun.inject(new byte[] {0x45, 1}, 0, 2));
        assertTrue(tun.inject(new byte[] {9, 0x45, 2, 9}, 1, 2));
        assertTrue(tun.awaitReadable(0));
        assertEquals(2, tun.read(buf, 5, 100));
        assertEquals(1, buf[6]);
        assertEquals(2, tun.read(buf, 0, 100));
        assertEquals(2, buf[1]);
        assertEquals(-1, tun.read(buf, 0, 100));
        assertEquals(2, tun.counters().get(PortCounter.PACKETS_RECEIVED));
    }

    @Test
    void shouldDropInjectionWhenQueueFullOrDown() {
        tun.inject(new byte[1], 0, 1);
        tun.inject(new byte[1], 0, 1);
        assertFalse(tun.inject(new byte[1], 0, 1));
        tun.setUp(false);
        tun.read(buf, 0, 10);
        assertFalse(tun.inject(new byte[1], 0, 1));
        assertEquals(2, tun.hostDrops());
        assertThrows(IllegalArgumentException.class, () -> tun.inject(new byte[1401], 0, 1401));
    }

    @Test
    void shouldQueueWrittenPacketsForTheHostUntilFull() {
        assertTrue(tun.write(new byte[] {7, 1, 2}, 1, 2));
        assertTrue(tun.write(new byte[] {3}, 0, 1));
        assertFalse(tun.write(new byte[] {4}, 0, 1));
        assertEquals(1, tun.counters().get(PortCounter.SEND_DROPPED_BUSY));
        assertArrayEquals(new byte[] {1, 2}, tun.pollWritten());
        assertArrayEquals(new byte[] {3}, tun.pollWritten());
        assertNull(tun.pollWritten());
    }

    @Test
    void shouldPassWrittenPacketsToSinkAndRefuseWhenDown() {
        final List<byte[]> host = new ArrayList<>();
        tun.hostSink(host::add);
        for (int i = 0; i < 5; i++) {
            assertTrue(tun.write(new byte[] {(byte) i}, 0, 1));
        }
        assertEquals(5, host.size());
        tun.setUp(false);
        assertFalse(tun.write(new byte[1], 0, 1));
        assertEquals(1, tun.counters().get(PortCounter.SEND_DROPPED_ERROR));
        assertEquals("ms-1_2_0.1", tun.name());
        assertEquals(1400, tun.mtu());
    }

    @Test
    void shouldTruncateReadToBufferAndCheckBounds() {
        tun.inject(new byte[] {1, 2, 3}, 0, 3);
        assertEquals(2, tun.read(buf, 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> tun.read(buf, 1999, 2));
        tun.close();
        assertFalse(tun.write(new byte[1], 0, 1));
    }
}
