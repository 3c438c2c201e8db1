package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;

/**
 * The receiving side of a {@code udp-encapsulate dest-port}: the socket bound to the port, where
 * the peer's ESP arrives, and its inbound worker. Each outbound worker sends from a pool of
 * {@link #FLOW_SENDERS} sockets of its own on ephemeral ports: each inner flow leaves from one
 * sender of the pool, so the source port differs per flow and ECMP paths and receive-side scaling
 * at the peer spread one tunnel (the seed's multipath encapsulation).
 */
record UdpEncapsulationPort(int port, DatagramPort socket, InboundAgent worker) {

    /** How many source ports one tunnel's flows spread over. */
    static final int FLOW_SENDERS = 16;
}
