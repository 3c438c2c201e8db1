package io.sallyport.net;

/** A change on the host that the gateway reacts to (gw-interface, local-gateway checks). */
public sealed interface NetworkEvent {

    record LinkUp(String device) implements NetworkEvent {
    }

    record LinkDown(String device) implements NetworkEvent {
    }

    record AddressAdded(HostAddress address) implements NetworkEvent {
    }

    record AddressRemoved(HostAddress address) implements NetworkEvent {
    }
}
