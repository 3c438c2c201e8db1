package io.sallyport.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address prefix such as {@code 198.18.2.0/24}; host bits must be zero. */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        final int max = address instanceof Inet4Address ? 32 : 128;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " outside 0.." + max);
        }
        final byte[] raw = address.getAddress();
        for (int bit = length; bit < raw.length * 8; bit++) {
            if ((raw[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("host bits set in " + address.getHostAddress() + "/" + length);
            }
        }
    }

    /** Parses {@code a.b.c.d/len}, an IPv6 {@code addr/len}, or a bare address (a host prefix). */
    public static IpPrefix parse(final String text) {
        final int slash = text.indexOf('/');
        final String addr = slash < 0 ? text : text.substring(0, slash);
        if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an IP prefix: " + text);
        }
        final InetAddress address;
        try {
            address = InetAddress.getByName(addr);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("not an IP prefix: " + text, e);
        }
        final int max = address instanceof Inet4Address ? 32 : 128;
        try {
            return new IpPrefix(address, slash < 0 ? max : Integer.parseInt(text.substring(slash + 1)));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not an IP prefix: " + text, e);
        }
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
