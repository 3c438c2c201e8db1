package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Certificate statements: {@code certificate-policy-oids} of IKE policies, and the CA profiles'
 * CRL sources and peer certificate type, which Sallyport only partly acts on (warnings say so).
 */
final class PkiRules {

    static final String TOO_MANY_POLICY_OIDS = "A maximum of 5 certificate policy OIDs can be configured";
    static final String POLICY_OID_SYNTAX = "Certificate policy OID must be in dotted decimal form (for example 2.5.29.32.0)";
    static final String CRL_URL_UNREADABLE = "only file://, http:// and https:// CRL URLs are read by Sallyport; load other CRLs"
            + " with 'request security pki crl load'";
    static final String PKCS7_PEER_CERTIFICATE = "Sallyport exchanges X.509 certificates only; peer-certificate-type pkcs7 is ignored";

    static final String DN_WITHOUT_CERTIFICATE = "local-id distinguished-name comes from the local certificate and this"
            + " policy has no local-certificate; tunnels using this policy do not come up";

    static final String REMOTE_DN_WITHOUT_CERTIFICATE = "remote-id distinguished-name is checked against the peer's"
            + " certificate and this policy has no local-certificate (pre-shared keys): the peer must identify itself"
            + " with the remote gateway's address instead";

    static final String CA_IDENTITY = "ca-identity names the CA in online (SCEP) enrollment, which Sallyport does not do;"
            + " stored and ignored (load the CA certificate with 'request security pki ca-certificate load')";

    static final String DN_SYNTAX = "Distinguished name must be ATTRIBUTE=VALUE pairs separated by commas"
            + " (for example CN=router3.example.com, O=juniper)";

    private static final Pattern DN_PART = Pattern.compile("\\s*[A-Za-z][A-Za-z0-9.]*\\s*=.*", Pattern.DOTALL);

    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

    private PkiRules() {}

    static void check(Node root, Findings f) {
        Node ike = root.child("services").flatMap(s -> s.child("ipsec-vpn")).flatMap(v -> v.child("ike")).orElse(Node.root());
        for (Node p : ike.all("policy")) {
            List<String> level = List.of("services", "ipsec-vpn", "ike", "policy", p.key());
            List<String> oids = p.values("certificate-policy-oids");
            if (oids.size() > 5) f.error(level, Findings.leafList("certificate-policy-oids", oids), TOO_MANY_POLICY_OIDS);
            for (String oid : oids) {
                if (!OID.matcher(oid).matches()) f.error(level, "certificate-policy-oids " + oid, POLICY_OID_SYNTAX);
            }
            boolean dnLocalId = p.child("local-id").map(l -> l.has("distinguished-name")).orElse(false);
            if (dnLocalId && p.value("local-certificate").isEmpty()) {
                f.warning(level, "local-id distinguished-name", DN_WITHOUT_CERTIFICATE);
            }
            Node dn = p.child("remote-id").flatMap(r -> r.child("distinguished-name")).orElse(null);
            if (dn != null) {
                List<String> dnLevel = List.of("services", "ipsec-vpn", "ike", "policy", p.key(), "remote-id", "distinguished-name");
                for (String kind : List.of("container", "wildcard", "exact-match")) {
                    for (String text : dn.values(kind)) {
                        // A backslash escapes a comma inside a value (RFC 4514).
                        boolean wellFormed = !text.isBlank() && java.util.Arrays.stream(text.split("(?<!\\\\),", -1))
                            .allMatch(part -> DN_PART.matcher(part).matches());
                        if (!wellFormed) f.error(dnLevel, kind + " \"" + text + "\"", DN_SYNTAX);
                    }
                }
                if (p.value("local-certificate").isEmpty()) {
                    f.warning(level, "remote-id distinguished-name", REMOTE_DN_WITHOUT_CERTIFICATE);
                }
            }
            if (p.value("peer-certificate-type").filter("pkcs7"::equals).isPresent()) {
                f.warning(level, "peer-certificate-type pkcs7", PKCS7_PEER_CERTIFICATE);
            }
        }
        Node pki = root.child("security").flatMap(s -> s.child("pki")).orElse(Node.root());
        for (Node ca : pki.all("ca-profile")) {
            ca.value("ca-identity").ifPresent(id ->
                f.warning(List.of("security", "pki", "ca-profile", ca.key()), "ca-identity " + id, CA_IDENTITY));
            Node crl = ca.child("revocation-check").flatMap(r -> r.child("crl")).orElse(Node.root());
            for (Node url : crl.all("url")) {
                if (!url.key().startsWith("file://") && !url.key().startsWith("http://") && !url.key().startsWith("https://")) {
                    f.warning(List.of("security", "pki", "ca-profile", ca.key(), "revocation-check", "crl"), "url " + url.key(),
                        CRL_URL_UNREADABLE);
                }
            }
        }
    }
}
