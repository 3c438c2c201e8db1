package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;

/** {@code ipsec policy NAME}: PFS group (empty: no PFS), proposals or a proposal set. */
public record IpsecPolicy(
        String name,
        Optional<String> description,
        Optional<DhGroup> perfectForwardSecrecy,
        List<String> proposals,
        Optional<String> proposalSet) {

    public IpsecPolicy { proposals = List.copyOf(proposals); }

    /** The built-in policy: the default proposal, no PFS (reference §2.2, PFS not confirmed). */
    public static final IpsecPolicy DEFAULT = new IpsecPolicy("default", Optional.empty(), Optional.empty(),
        List.of(), Optional.empty());
}
