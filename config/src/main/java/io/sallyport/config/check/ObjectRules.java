package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;

import static io.sallyport.config.check.Findings.leaf;

/** Constraints on IKE and IPsec proposals and policies and traceoptions (reference §3.1 "IKE / IPsec objects"). */
final class ObjectRules {

    static final String PROPOSAL_UNDEFINED = "Referenced proposal is not defined";
    static final String AH_ENCRYPTION_ALGORITHM = "Encryption algorithm must not be defined for AH";
    static final String GCM_HMAC = "HMAC Authentication is not compatible with AES-GCM";
    static final String PROPOSAL_SET_AND_PROPOSALS = "IPSec policy must not have both proposals and proposal-set configured";
    static final String ANY_REMOTE_ID_AND_SPECIFIC = "Specific 'remote-id' statement must not be configured when 'any-remote-id' statement is configured.";
    static final String TRACEOPTIONS_TWICE = "The traceoptions must not be configured under [edit services ipsec-vpn] and [edit security] simultaneously";

    private ObjectRules() {}

    static void check(Node root, Findings f) {
        Node vpn = root.child("services").flatMap(s -> s.child("ipsec-vpn")).orElse(Node.root());
        Node ike = vpn.child("ike").orElse(Node.root());
        Node ipsec = vpn.child("ipsec").orElse(Node.root());
        for (Node p : ike.all("policy")) {
            List<String> level = List.of("services", "ipsec-vpn", "ike", "policy", p.key());
            for (String prop : p.values("proposals"))
                if (ike.child("proposal", prop).isEmpty()) f.error(level, "proposals " + prop, PROPOSAL_UNDEFINED);
            p.child("remote-id").ifPresent(r -> {
                boolean specific = r.children().stream().anyMatch(c -> !c.name().equals("any-remote-id"));
                if (r.has("any-remote-id") && specific)
                    f.error(Findings.at(level, "remote-id"), "any-remote-id", ANY_REMOTE_ID_AND_SPECIFIC);
            });
        }
        for (Node p : ipsec.all("proposal")) {
            List<String> level = List.of("services", "ipsec-vpn", "ipsec", "proposal", p.key());
            if (p.value("protocol").equals(java.util.Optional.of("ah")) && p.has("encryption-algorithm"))
                f.error(level, leaf(p, "encryption-algorithm"), AH_ENCRYPTION_ALGORITHM);
            boolean gcm = p.value("encryption-algorithm").map(e -> e.endsWith("-gcm")).orElse(false);
            if (gcm && p.has("authentication-algorithm")) f.error(level, leaf(p, "authentication-algorithm"), GCM_HMAC);
        }
        for (Node p : ipsec.all("policy")) {
            List<String> level = List.of("services", "ipsec-vpn", "ipsec", "policy", p.key());
            for (String prop : p.values("proposals"))
                if (ipsec.child("proposal", prop).isEmpty()) f.error(level, "proposals " + prop, PROPOSAL_UNDEFINED);
            if (p.has("proposal-set") && p.has("proposals")) f.error(level, leaf(p, "proposal-set"), PROPOSAL_SET_AND_PROPOSALS);
        }
        boolean securityTrace = root.child("security").map(s -> s.has("traceoptions")).orElse(false);
        if (vpn.has("traceoptions") && securityTrace)
            f.error(List.of("services", "ipsec-vpn"), "traceoptions", TRACEOPTIONS_TWICE);
    }
}
