package io.sallyport.esp;

/**
 * What happens to the don't-fragment bit at the tunnel entry (reference §1, service-set
 * {@code ipsec-vpn-options}).
 */
public enum DfPolicy {
    /** No statement: the outer DF bit is clear; an oversize inner IPv4 packet with DF gets ICMP. */
    DEFAULT,
    /** {@code clear-dont-fragment-bit}: clear DF on inner IPv4 and fragment before encapsulation. */
    CLEAR,
    /**
     * {@code copy-dont-fragment-bit}: the outer DF bit copies the inner one, the inner is left as
     * it is; an oversize packet is fragmented before encapsulation even with DF set (the seed).
     */
    COPY,
    /** {@code set-dont-fragment-bit}: the outer DF bit is always set; the inner is left as it is. */
    SET
}
