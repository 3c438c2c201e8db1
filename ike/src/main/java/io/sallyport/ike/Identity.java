package io.sallyport.ike;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** An IKE identity (RFC 7296 §3.5): ID type and its data bytes. */
public record Identity(Type type, byte[] data) {

    public enum Type {
        IPV4_ADDR(1), FQDN(2), RFC822_ADDR(3), IPV6_ADDR(5), DER_ASN1_DN(9), KEY_ID(11);

        private final int wire;

        Type(int wire) { this.wire = wire; }

        public int wire() { return wire; }

        public static Type fromWire(int v) {
            for (Type t : values()) {
                if (t.wire == v) {
                    return t;
                }
            }
            return null;
        }
    }

    public static Identity ipv4(String address) { return address(address, Type.IPV4_ADDR); }

    public static Identity ipv6(String address) { return address(address, Type.IPV6_ADDR); }

    public static Identity fqdn(String name) { return new Identity(Type.FQDN, name.getBytes(StandardCharsets.US_ASCII)); }

    public static Identity userFqdn(String mail) { return new Identity(Type.RFC822_ADDR, mail.getBytes(StandardCharsets.US_ASCII)); }

    public static Identity derAsn1Dn(byte[] der) { return new Identity(Type.DER_ASN1_DN, der.clone()); }

    public static Identity keyId(byte[] id) { return new Identity(Type.KEY_ID, id.clone()); }

    private static Identity address(String address, Type type) {
        try {
            byte[] a = InetAddress.getByName(address).getAddress();
            if (a.length != (type == Type.IPV4_ADDR ? 4 : 16)) {
                throw new IllegalArgumentException(address + " is not an " + type);
            }
            return new Identity(type, a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }

    public boolean matches(int wireType, byte[] bytes) {
        return type.wire == wireType && Arrays.equals(data, bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity i && i.type == type && Arrays.equals(i.data, data);
    }

    @Override
    public int hashCode() { return type.hashCode() * 31 + Arrays.hashCode(data); }

    /** Printable ASCII as is; anything else (and the backslash) as \xNN, so a peer cannot forge trace lines. */
    static String printable(byte[] raw) {
        StringBuilder b = new StringBuilder(raw.length);
        for (byte x : raw) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        try {
            return switch (type) {
                case IPV4_ADDR, IPV6_ADDR -> InetAddress.getByAddress(data).getHostAddress();
                case FQDN, RFC822_ADDR -> printable(data);
                case DER_ASN1_DN, KEY_ID -> type + ":" + HexFormat.of().formatHex(data);
            };
        } catch (UnknownHostException e) {
            return type + ":invalid";
        }
    }
}
