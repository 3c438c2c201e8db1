package io.sallyport.gateway.mgmt;

/** Answers {@code show ospf ...} and {@code show route ...} for the routing daemons a gateway runs. */
@FunctionalInterface
public interface RoutingOperations {

    ControlProtocol.Reply execute(OperationalCommand.RoutingQuery query);
}
