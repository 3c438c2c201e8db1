package io.sallyport.gateway.mgmt;

/** Answers {@code show ospf ...} and {@code show route ...} for the routing daemons a gateway runs. */
@FunctionalInterface
public interface RoutingOperations {

    ControlProtocol.Reply execute(OperationalCommand.RoutingQuery query);

    /** How routing instances are realised on this host, when there are any (for {@code show services service-sets}). */
    default java.util.Optional<String> instancesMechanism() {
        return java.util.Optional.empty();
    }
}
