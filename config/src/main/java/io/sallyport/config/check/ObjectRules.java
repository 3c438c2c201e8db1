package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;
import java.util.Optional;

import static io.sallyport.config.check.Findings.leaf;

/** Constraints on IKE and IPsec proposals and policies and traceoptions (reference §3.1 "IKE / IPsec objects"). */
final class ObjectRules {

    static final String PROPOSAL_UNDEFINED = "Referenced proposal is not defined";
    static final String AH_ENCRYPTION_ALGORITHM = "Encryption algorithm must not be defined for AH";
    static final String GCM_HMAC = "HMAC Authentication is not compatible with AES-GCM";
    static final String PROPOSAL_SET_AND_PROPOSALS = "IPSec policy must not have both proposals and proposal-set configured";
    static final String ANY_REMOTE_ID_AND_SPECIFIC = "Specific 'remote-id' statement must not be configured when 'any-remote-id' statement is configured.";
    static final String IKE_PROPOSAL_TWICE = "Referenced IKE proposal must not be defined both under [edit security ike proposal] and [edit services ipsec-vpn ike proposal]";
    static final String IPSEC_PROPOSAL_TWICE = "Referenced IPSec proposal must not be defined both under [edit security ipsec proposal] and [edit services ipsec-vpn ipsec proposal]";
    static final String IPSEC_POLICY_TWICE = "Referenced IPSec policy must not be defined both under [edit security ipsec policy] and [edit services ipsec-vpn ipsec policy]";
    static final String SHA256_128_IN_SECURITY = "hmac-sha-256-128 algorithm is not supported for IKE and IPSec configuration in security hierarchy";
    static final String TRACEOPTIONS_TWICE = "The traceoptions must not be configured under [edit services ipsec-vpn] and [edit security] simultaneously";

    static final String TRACE_FILE_NOT_A_NAME = "Trace file name must be a file name in the log directory: no '/', not '.' or '..'";

    private ObjectRules() {}

    static void check(Node root, Findings f) {
        Node vpn = root.child("services").flatMap(s -> s.child("ipsec-vpn")).orElse(Node.root());
        Node ike = vpn.child("ike").orElse(Node.root());
        Node ipsec = vpn.child("ipsec").orElse(Node.root());
        Node security = root.child("security").orElse(Node.root());
        Node secIke = security.child("ike").orElse(Node.root());
        Node secIpsec = security.child("ipsec").orElse(Node.root());
        for (Node p : ike.all("policy")) {
            List<String> level = List.of("services", "ipsec-vpn", "ike", "policy", p.key());
            for (String prop : p.values("proposals"))
                if (ike.child("proposal", prop).isEmpty()) f.error(level, "proposals " + prop, PROPOSAL_UNDEFINED);
                else if (secIke.child("proposal", prop).isPresent()) f.error(level, "proposals " + prop, IKE_PROPOSAL_TWICE);
            p.child("remote-id").ifPresent(r -> {
                boolean specific = r.children().stream().anyMatch(c -> !c.name().equals("any-remote-id"));
                if (r.has("any-remote-id") && specific)
                    f.error(Findings.at(level, "remote-id"), "any-remote-id", ANY_REMOTE_ID_AND_SPECIFIC);
            });
        }
        for (Node p : ipsec.all("proposal")) {
            List<String> level = List.of("services", "ipsec-vpn", "ipsec", "proposal", p.key());
            if (p.value("protocol").equals(Optional.of("ah")) && p.has("encryption-algorithm"))
                f.error(level, leaf(p, "encryption-algorithm"), AH_ENCRYPTION_ALGORITHM);
            boolean gcm = p.value("encryption-algorithm").map(e -> e.endsWith("-gcm")).orElse(false);
            if (gcm && p.has("authentication-algorithm")) f.error(level, leaf(p, "authentication-algorithm"), GCM_HMAC);
        }
        for (Node p : ipsec.all("policy")) {
            List<String> level = List.of("services", "ipsec-vpn", "ipsec", "policy", p.key());
            for (String prop : p.values("proposals"))
                if (ipsec.child("proposal", prop).isEmpty()) f.error(level, "proposals " + prop, PROPOSAL_UNDEFINED);
                else if (secIpsec.child("proposal", prop).isPresent()) f.error(level, "proposals " + prop, IPSEC_PROPOSAL_TWICE);
            if (p.has("proposal-set") && p.has("proposals")) f.error(level, leaf(p, "proposal-set"), PROPOSAL_SET_AND_PROPOSALS);
        }
        for (Node p : secIpsec.all("proposal")) {
            if (p.value("authentication-algorithm").equals(Optional.of("hmac-sha-256-128")))
                f.error(List.of("security", "ipsec", "proposal", p.key()), "authentication-algorithm hmac-sha-256-128", SHA256_128_IN_SECURITY);
        }
        vpn.child("traceoptions").flatMap(t -> t.child("file")).ifPresent(file -> file.value("filename").ifPresent(name -> {
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))
                f.error(List.of("services", "ipsec-vpn", "traceoptions"), "file " + name, TRACE_FILE_NOT_A_NAME);
        }));
        boolean securityTrace = root.child("security").map(s -> s.has("traceoptions")).orElse(false);
        if (vpn.has("traceoptions") && securityTrace)
            f.error(List.of("services", "ipsec-vpn"), "traceoptions", TRACEOPTIONS_TWICE);
    }
}
