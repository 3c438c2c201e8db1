package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;

/**
 * Statements Sallyport acts on only in part: each configured case it does not honour in full
 * draws a warning saying what it does instead.
 */
final class PartialSupport {

    static final String FIRST_REMOTE_ID = "Sallyport accepts only the first identity of remote-id (%s); the others are ignored";
    static final String NEXT_HOP_OUTPUT = "a next-hop service set sees traffic entering its inside interface;"
        + " Sallyport applies this rule as match-direction input";

    private PartialSupport() {}

    static void check(Node root, Findings f) {
        Node services = root.child("services").orElse(Node.root());
        Node vpn = services.child("ipsec-vpn").orElse(Node.root());
        for (Node policy : vpn.child("ike").map(i -> i.all("policy")).orElse(List.of())) {
            policy.child("remote-id").ifPresent(r -> {
                long identities = 0;
                String first = null;
                for (String kind : List.of("ipv4_addr", "ipv6-addr", "fqdn", "key-id")) {
                    List<String> values = r.values(kind);
                    identities += values.size();
                    if (first == null && !values.isEmpty()) first = kind + " " + values.getFirst();
                }
                // Only distinguished names: all of them are checked (any may fit). Beside another
                // kind of identity they are ignored like every identity but the first.
                if (first != null && r.has("distinguished-name")) identities++;
                if (identities > 1) {
                    f.warning(List.of("services", "ipsec-vpn", "ike", "policy", policy.key()), "remote-id",
                        FIRST_REMOTE_ID.formatted(first));
                }
            });
        }
        for (Node ss : services.all("service-set")) {
            if (!ss.has("next-hop-service")) continue;
            for (String rule : ss.values("ipsec-vpn-rules")) {
                boolean output = vpn.child("rule", rule).flatMap(r -> r.value("match-direction"))
                    .map("output"::equals).orElse(false);
                if (output) {
                    f.warning(List.of("services", "ipsec-vpn", "rule", rule), "match-direction output", NEXT_HOP_OUTPUT);
                }
            }
        }
    }
}
