package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP on loopback: no privileges needed. */
class UdpChannelPortTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void shouldExchangeDatagramsAtOffsetsAndRememberTheSource() {
        try (UdpChannelPort a = UdpChannelPort.bind(new InetSocketAddress(LOOPBACK, 0), true);
             UdpChannelPort b = UdpChannelPort.bind(new InetSocketAddress(LOOPBACK, 0), true)) {
            final byte[] out = {0, 0, 1, 2, 3, 0};
            assertTrue(a.send(out, 2, 3, b.localAddress()));
            assertTrue(b.awaitReadable(2000));
            final byte[] in = new byte[64];
            assertEquals(3, b.receive(in, 7, 50));
            assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(in, 7, 10));
            assertEquals(a.localAddress(), b.lastSource());
            assertEquals(-1, b.receive(in, 0, in.length));
            assertFalse(b.awaitReadable(0));
            assertEquals(1, a.counters().get(PortCounter.PACKETS_SENT));
            assertEquals(3, b.counters().get(PortCounter.BYTES_RECEIVED));

            // A reply through a different buffer re-points the cached view.
            final byte[] reply = {9};
            assertTrue(b.send(reply, 0, 1, b.lastSource()));
            assertTrue(a.awaitReadable(2000));
            assertEquals(1, a.receive(new byte[4], 0, 4));
        }
    }

    @Test
    void shouldCountUnroutableSendInsteadOfThrowing() {
        try (UdpChannelPort a = UdpChannelPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            final InetSocketAddress unresolved = InetSocketAddress.createUnresolved("gw-b.invalid", 500);
            assertFalse(a.send(new byte[1], 0, 1, unresolved));
            assertEquals(1, a.counters().get(PortCounter.SEND_DROPPED_UNROUTABLE));
        }
    }

    @Test
    void shouldExplainBindFailureWithTheAddress() {
        try (UdpChannelPort a = UdpChannelPort.bind(new InetSocketAddress(LOOPBACK, 0), false)) {
            final HostNetworkException e = assertThrows(HostNetworkException.class,
                    () -> UdpChannelPort.bind(a.localAddress(), false));
            assertTrue(e.getMessage().startsWith("bind UDP 127.0.0.1:" + a.localAddress().getPort()), e.getMessage());
            assertTrue(e.getMessage().contains("port must be free"), e.getMessage());
        }
    }
}
