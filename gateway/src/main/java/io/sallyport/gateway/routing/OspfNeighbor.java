package io.sallyport.gateway.routing;

/**
 * One OSPF adjacency as {@code show ospf neighbor} prints it.
 *
 * @param state Junos's word ({@code Full}, {@code 2Way}, {@code ExStart}, ...)
 * @param deadSeconds seconds until the neighbour is declared down
 */
public record OspfNeighbor(String address, String interfaceName, String state, String id, int priority,
                           long deadSeconds) {
}
