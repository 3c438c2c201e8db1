package io.sallyport.config.model;

import java.util.List;
import java.util.OptionalInt;

/**
 * {@code services service-set NAME} as far as IPsec is concerned: how traffic reaches it (style),
 * its rules and its options.
 */
public record ServiceSet(
        String name,
        ServiceStyle style,
        List<String> ipsecVpnRules,
        List<String> ipsecVpnRuleSets,
        IpsecVpnOptions options,
        boolean headerIntegrityCheck,
        OptionalInt tcpMss) {

    public ServiceSet {
        ipsecVpnRules = List.copyOf(ipsecVpnRules);
        ipsecVpnRuleSets = List.copyOf(ipsecVpnRuleSets);
    }
}
