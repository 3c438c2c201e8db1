package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;

/** The socket and inbound worker of a service set's {@code udp-encapsulate dest-port}. */
record UdpEncapsulationPort(int port, DatagramPort socket, InboundAgent worker) {
}
