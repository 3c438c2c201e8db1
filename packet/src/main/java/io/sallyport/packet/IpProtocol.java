package io.sallyport.packet;

/** IANA protocol / IPv6 next-header numbers the data plane looks at. */
public final class IpProtocol {
    private IpProtocol() {}

    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int IPV4 = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int IPV6 = 41;
    public static final int IPV6_ROUTING = 43;
    public static final int IPV6_FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int NO_NEXT_HEADER = 59;
    public static final int IPV6_DEST_OPTS = 60;
}
