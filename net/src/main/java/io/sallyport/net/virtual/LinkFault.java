package io.sallyport.net.virtual;

/**
 * A fault injected on a {@link VirtualLink}: judges each datagram when it is sent. Faults may
 * keep state (a counter, a seeded random generator); each link owns its fault instances, so
 * results depend only on the order of datagrams, never on wall-clock time.
 * Ready-made faults are in {@link LinkFaults}.
 */
@FunctionalInterface
public interface LinkFault {

    FaultVerdict judge(VirtualDatagram datagram, long nowNanos);
}
