package io.sallyport.config.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code services ipsec-vpn}: rules, IKE and IPsec objects, and global knobs, defaults applied. */
public record IpsecVpn(
        Map<String, IpsecVpnRule> rules,
        Map<String, List<String>> ruleSets,
        Map<String, IkeProposal> ikeProposals,
        Map<String, IkePolicy> ikePolicies,
        Map<String, IpsecProposal> ipsecProposals,
        Map<String, IpsecPolicy> ipsecPolicies,
        EstablishTunnels establishTunnels,
        Optional<Traceoptions> traceoptions,
        boolean noIpsecTunnelInTraceroute,
        boolean clearIkeSasOnPicRestart,
        boolean clearIpsecSasOnPicRestart,
        boolean disableNatt) {

    public IpsecVpn {
        rules = Ordered.copy(rules);
        ruleSets = Ordered.copy(ruleSets);
        ikeProposals = Ordered.copy(ikeProposals);
        ikePolicies = Ordered.copy(ikePolicies);
        ipsecProposals = Ordered.copy(ipsecProposals);
        ipsecPolicies = Ordered.copy(ipsecPolicies);
    }

    /** The IKE policy a dynamic term uses: the named one, or the default policy (reference §2.2). */
    public IkePolicy ikePolicyFor(Term.DynamicSa sa) {
        return sa.ikePolicy().map(ikePolicies::get).orElse(IkePolicy.DEFAULT);
    }

    /** The IPsec policy a dynamic term uses: the named one, or the default policy (reference §2.2). */
    public IpsecPolicy ipsecPolicyFor(Term.DynamicSa sa) {
        return sa.ipsecPolicy().map(ipsecPolicies::get).orElse(IpsecPolicy.DEFAULT);
    }

    /** The proposals a policy offers, in order; the default proposal when it names none. */
    public List<IkeProposal> proposalsOf(IkePolicy p) {
        if (p.proposals().isEmpty()) return List.of(IkeProposal.DEFAULT);
        return p.proposals().stream().map(ikeProposals::get).toList();
    }

    public List<IpsecProposal> proposalsOf(IpsecPolicy p) {
        if (p.proposals().isEmpty()) return List.of(IpsecProposal.DEFAULT);
        return p.proposals().stream().map(ipsecProposals::get).toList();
    }
}
