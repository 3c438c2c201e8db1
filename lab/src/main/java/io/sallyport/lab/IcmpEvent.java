package io.sallyport.lab;

import java.net.InetAddress;

/**
 * An ICMP message that reached a node's own address: an echo reply, or an error quoting one of
 * the node's echo requests ({@code id}/{@code seq} are the quoted request's).
 */
public record IcmpEvent(long atNanos, int type, int code, InetAddress from, int id, int seq, int ttl) {

    public boolean echoReply() {
        return type == Icmp.ECHO_REPLY;
    }
}
