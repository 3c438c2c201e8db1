package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.PortCounters;
import io.sallyport.net.ReceiveBatch;
import io.sallyport.net.SendBatch;
import java.net.InetSocketAddress;

/** A datagram port that hands everything to another one; subclasses change how sending works. */
abstract class ForwardingDatagramPort implements DatagramPort {
    protected final DatagramPort port;

    ForwardingDatagramPort(DatagramPort port) {
        this.port = port;
    }

    /** The host's own port under any number of forwarding layers (a host waits on its own ports only). */
    static DatagramPort unwrap(DatagramPort port) {
        DatagramPort p = port;
        while (p instanceof ForwardingDatagramPort f) {
            p = f.port;
        }
        return p;
    }

    @Override
    public boolean send(byte[] buf, int off, int len, InetSocketAddress destination) {
        return port.send(buf, off, len, destination);
    }

    @Override
    public boolean takesIpHeader() {
        return port.takesIpHeader();
    }

    @Override
    public SendBatch newSendBatch() {
        return port.newSendBatch();
    }

    @Override
    public ReceiveBatch newReceiveBatch() {
        return port.newReceiveBatch();
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
