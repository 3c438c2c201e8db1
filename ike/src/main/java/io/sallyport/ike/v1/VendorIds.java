package io.sallyport.ike.v1;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The vendor IDs peers look for: NAT-T (RFC 3947 §3, and draft-ietf-ipsec-nat-t-ike-02 for older
 * peers, each the MD5 of its name) and dead-peer detection (RFC 3706 §5.1).
 */
final class VendorIds {

    private VendorIds() {
    }

    static final byte[] NATT_RFC3947 = HexFormat.of().parseHex("4a131c81070358455c5728f20e95452f");
    static final byte[] NATT_DRAFT_02 = HexFormat.of().parseHex("90cb80913ebb696e086381b5ec427b1f");
    static final byte[] NATT_DRAFT_02N = HexFormat.of().parseHex("cd60464335df21f87cfdb2fc68b6a448");
    static final byte[] DPD = HexFormat.of().parseHex("afcad71368a1f1c96b8696fc77570100");

    /** What a peer's vendor IDs say it supports. */
    enum NatT { NONE, DRAFT, RFC }

    static List<V1Payload> ours(boolean natTraversal) {
        return natTraversal
                ? List.of(new V1Payload.VendorId(NATT_RFC3947), new V1Payload.VendorId(NATT_DRAFT_02),
                        new V1Payload.VendorId(NATT_DRAFT_02N), new V1Payload.VendorId(DPD))
                : List.of(new V1Payload.VendorId(DPD));
    }

    static NatT natT(V1Message m) {
        List<V1Payload.VendorId> v = m.all(V1Payload.VendorId.class);
        if (v.stream().anyMatch(x -> Arrays.equals(x.data(), NATT_RFC3947))) {
            return NatT.RFC;
        }
        return v.stream().anyMatch(x -> Arrays.equals(x.data(), NATT_DRAFT_02) || Arrays.equals(x.data(), NATT_DRAFT_02N))
                ? NatT.DRAFT : NatT.NONE;
    }

    static boolean dpd(V1Message m) {
        return m.all(V1Payload.VendorId.class).stream().anyMatch(x -> Arrays.equals(x.data(), DPD));
    }

    /** Our answer to an initiator's NAT-T vendor IDs: the one we chose. */
    static List<V1Payload> answer(NatT chosen) {
        return switch (chosen) {
            case RFC -> List.of(new V1Payload.VendorId(NATT_RFC3947), new V1Payload.VendorId(DPD));
            case DRAFT -> List.of(new V1Payload.VendorId(NATT_DRAFT_02), new V1Payload.VendorId(DPD));
            case NONE -> List.of(new V1Payload.VendorId(DPD));
        };
    }
}
