package io.sallyport.net;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PortCountersTest {

    @Test
    void shouldCountPacketsBytesAndLastErrno() {
        final PortCounters c = new PortCounters();
        c.received(100);
        c.received(50);
        c.sent(20);
        c.failed(PortCounter.SEND_DROPPED_BUSY, 11);
        assertEquals(2, c.get(PortCounter.PACKETS_RECEIVED));
        assertEquals(150, c.get(PortCounter.BYTES_RECEIVED));
        assertEquals(20, c.get(PortCounter.BYTES_SENT));
        assertEquals(1, c.get(PortCounter.SEND_DROPPED_BUSY));
        assertEquals(11, c.snapshot().get(PortCounter.LAST_ERRNO));
    }

    @Test
    void shouldHaveUniqueStableIds() {
        assertEquals(PortCounter.values().length,
                Arrays.stream(PortCounter.values()).mapToInt(PortCounter::id).distinct().count());
    }
}
