package io.sallyport.net;

/**
 * One host interface: {@code up} is the administrative flag, {@code operUp} whether it carries
 * traffic (carrier present; TUN devices report UNKNOWN, which counts as up when {@code up}).
 */
public record LinkState(String name, int index, boolean up, boolean operUp, int mtu) {
}
