package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import java.net.InetSocketAddress;

/**
 * A datagram port whose sending side several threads share: kmd (IKE on 4500) and the outbound
 * workers of every service set on the same local gateway all send from the one NAT-T socket,
 * which must keep source port 4500 (RFC 3948). Ports keep per-send state (the destination
 * sockaddr, errno), so sends are serialised here; the lock is uncontended while one service set
 * sends. Receiving stays with the owning inbound worker and takes no lock.
 */
final class SharedSendPort extends ForwardingDatagramPort {

    SharedSendPort(DatagramPort port) {
        super(port);
    }

    @Override
    public synchronized boolean send(byte[] buf, int off, int len, InetSocketAddress destination) {
        return port.send(buf, off, len, destination);
    }
}
