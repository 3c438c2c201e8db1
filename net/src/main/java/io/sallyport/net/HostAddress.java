package io.sallyport.net;

import java.net.InetAddress;

/** An address configured on a host interface, as {@code ip addr} lists it. */
public record HostAddress(String device, InetAddress address, int prefixLength) {

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " on " + device;
    }
}
