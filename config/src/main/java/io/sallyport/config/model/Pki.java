package io.sallyport.config.model;

import java.util.List;
import java.util.Map;

/** {@code security pki}: CA profiles and trusted CA groups. */
public record Pki(Map<String, CaProfile> caProfiles, Map<String, List<String>> trustedCaGroups) {
    public Pki {
        caProfiles = Ordered.copy(caProfiles);
        trustedCaGroups = Ordered.copy(trustedCaGroups);
    }
}
