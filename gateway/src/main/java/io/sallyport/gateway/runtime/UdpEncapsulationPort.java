package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;

/**
 * The sockets of a {@code udp-encapsulate dest-port}: the one bound to the port, where the peer's
 * ESP arrives (with its inbound worker), and a pool of senders on ephemeral ports. Each inner
 * flow leaves from one sender of the pool, so the source port differs per flow and ECMP paths
 * and receive-side scaling at the peer spread one tunnel (the seed's multipath encapsulation).
 */
record UdpEncapsulationPort(int port, DatagramPort socket, InboundAgent worker, DatagramPort[] flowSenders) {

    /** How many source ports one tunnel's flows spread over. */
    static final int FLOW_SENDERS = 16;
}
