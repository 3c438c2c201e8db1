package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;

/**
 * The receiving side of a {@code udp-encapsulate dest-port}: the sockets bound to the port, where
 * the peer's ESP arrives (one per inbound worker, steered by SPI; the first is the one outbound
 * workers name as their socket), and their inbound workers. Each outbound worker sends from a pool of
 * {@link #FLOW_SENDERS} sockets of its own on ephemeral ports: each inner flow leaves from one
 * sender of the pool, so the source port differs per flow and ECMP paths and receive-side scaling
 * at the peer spread one tunnel (the seed's multipath encapsulation).
 */
record UdpEncapsulationPort(int port, java.util.List<DatagramPort> sockets, InboundGroup workers) {

    /** How many source ports one tunnel's flows spread over. */
    static final int FLOW_SENDERS = 16;
}
