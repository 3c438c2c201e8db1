package io.sallyport.net.virtual;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static io.sallyport.net.virtual.VirtualNetworkTest.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VirtualReadySetTest {

    @Test
    void shouldReportReadyTunAndSocketBits() {
        final VirtualNetwork net = new VirtualNetwork();
        final VirtualTun tun = new VirtualTun("ms-1_2_0.1", 1400, 8);
        final VirtualDatagramPort udp = net.openUdp(new InetSocketAddress(addr("192.0.2.1"), 4500));
        final VirtualDatagramPort peer = net.openUdp(new InetSocketAddress(addr("192.0.2.2"), 4500));
        net.link(addr("192.0.2.1"), addr("192.0.2.2"));
        final VirtualReadySet set = VirtualReadySet.of(List.of(tun, udp));
        assertEquals(0, set.await(1000));
        tun.inject(new byte[20], 0, 20);
        assertEquals(0b01, set.await(0));
        peer.send(new byte[1], 0, 1, udp.localAddress());
        net.deliverDue();
        assertEquals(0b11, set.await(0));
        assertEquals(2, set.size());
        assertThrows(IllegalArgumentException.class, () -> VirtualReadySet.of(List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> VirtualReadySet.of(List.of()));
    }
}
