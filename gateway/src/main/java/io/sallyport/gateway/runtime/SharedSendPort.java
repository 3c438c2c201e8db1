package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.PortCounters;
import java.net.InetSocketAddress;

/**
 * A datagram port whose sending side several threads share: kmd (IKE on 4500) and the outbound
 * workers of every service set on the same local gateway all send from the one NAT-T socket,
 * which must keep source port 4500 (RFC 3948). Ports keep per-send state (the destination
 * sockaddr, errno), so sends are serialised here; the lock is uncontended while one service set
 * sends. Receiving stays with the owning inbound worker and takes no lock.
 */
final class SharedSendPort implements DatagramPort {
    private final DatagramPort port;

    SharedSendPort(DatagramPort port) {
        this.port = port;
    }

    @Override
    public synchronized boolean send(byte[] buf, int off, int len, InetSocketAddress destination) {
        return port.send(buf, off, len, destination);
    }

    @Override
    public int receive(byte[] buf, int off, int maxLen) {
        return port.receive(buf, off, maxLen);
    }

    @Override
    public InetSocketAddress lastSource() {
        return port.lastSource();
    }

    @Override
    public boolean awaitReadable(long timeoutMillis) {
        return port.awaitReadable(timeoutMillis);
    }

    @Override
    public PortCounters counters() {
        return port.counters();
    }

    @Override
    public InetSocketAddress localAddress() {
        return port.localAddress();
    }

    @Override
    public void close() {
        port.close();
    }
}
