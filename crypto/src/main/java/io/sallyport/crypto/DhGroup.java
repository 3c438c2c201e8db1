package io.sallyport.crypto;

import java.util.Arrays;
import java.util.Optional;

/**
 * Diffie-Hellman groups by Junos keyword. The group number is the same in IKEv1 and IKEv2
 * (IANA "Transform Type 4"): MODP groups from RFC 2409, RFC 3526 and RFC 5114, elliptic curves
 * from RFC 5903.
 */
public enum DhGroup {
    GROUP1(1, Kind.MODP, 768),
    GROUP2(2, Kind.MODP, 1024),
    GROUP5(5, Kind.MODP, 1536),
    GROUP14(14, Kind.MODP, 2048),
    GROUP15(15, Kind.MODP, 3072),
    GROUP16(16, Kind.MODP, 4096),
    GROUP19(19, Kind.ECP, 256),
    GROUP20(20, Kind.ECP, 384),
    GROUP21(21, Kind.ECP, 521),
    GROUP24(24, Kind.MODP, 2048);

    /** Finite-field (MODP) or elliptic-curve (ECP) group. */
    public enum Kind { MODP, ECP }

    private final int number;
    private final Kind kind;
    private final int bits;

    DhGroup(int number, Kind kind, int bits) {
        this.number = number;
        this.kind = kind;
        this.bits = bits;
    }

    /** The IANA group number, as IKE carries it and Junos prints it. */
    public int number() { return number; }

    public Kind kind() { return kind; }

    /** Prime (MODP) or curve (ECP) size in bits. */
    public int bits() { return bits; }

    /** The Junos keyword, for example {@code group14}. */
    public String keyword() { return "group" + number; }

    /** Bytes of the public value in a KE payload: the prime length, or x||y for ECP (RFC 5903 §7). */
    public int publicValueSize() {
        int fieldBytes = (bits + 7) / 8;
        return kind == Kind.MODP ? fieldBytes : 2 * fieldBytes;
    }

    public static Optional<DhGroup> fromNumber(int number) {
        return Arrays.stream(values()).filter(g -> g.number == number).findFirst();
    }

    public static Optional<DhGroup> fromKeyword(String keyword) {
        return Arrays.stream(values()).filter(g -> g.keyword().equals(keyword)).findFirst();
    }
}
