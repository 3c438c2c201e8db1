package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Constraints on {@code system login} and {@code system services}: what the SSH and NETCONF
 * servers need to let a user in, checked at commit rather than found out at login.
 */
final class SystemRules {

    static final String MISSING_CLASS = "Missing mandatory statement: 'class'";
    // Sallyport's own wording: Junos accepts more hash formats than Sallyport can verify.
    static final String PASSWORD_FORMAT = "encrypted-password must be a crypt(3) hash Sallyport can verify: "
        + "$1$ (MD5), $5$ (SHA-256) or $6$ (SHA-512), e.g. from 'openssl passwd -6'";
    static final String KEY_FORMAT = "public key must read '<key-type> <base64> [comment]' with the key type of this statement";
    static final String PORT_CONFLICT = "ssh, netconf ssh and prometheus must listen on different ports";

    /** The key types each statement accepts, as OpenSSH writes them at the start of a public key line. */
    private static final Map<String, Pattern> KEY_TYPES = Map.of(
        "ssh-rsa", Pattern.compile("ssh-rsa"),
        "ssh-ecdsa", Pattern.compile("ecdsa-sha2-nistp(256|384|521)"),
        "ssh-ed25519", Pattern.compile("ssh-ed25519"));
    private static final Pattern CRYPT = Pattern.compile("\\$(1|5|6)\\$(rounds=\\d{1,9}\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]{22,86}");

    private SystemRules() {}

    static void check(Node root, Findings f) {
        Node system = root.child("system").orElse(Node.root());
        for (Node user : system.child("login").map(l -> l.all("user")).orElse(List.of())) {
            List<String> level = List.of("system", "login", "user", user.key());
            if (!user.has("class")) f.error(List.of("system", "login"), "user " + user.key(), MISSING_CLASS);
            Optional<Node> auth = user.child("authentication");
            if (auth.isEmpty()) continue;
            List<String> authLevel = Findings.at(level, "authentication");
            auth.get().value("encrypted-password").ifPresent(hash -> {
                if (!CRYPT.matcher(hash).matches()) f.error(authLevel, "encrypted-password \"" + hash + "\"", PASSWORD_FORMAT);
            });
            for (Map.Entry<String, Pattern> type : KEY_TYPES.entrySet()) {
                for (Node key : auth.get().all(type.getKey())) {
                    if (!wellFormedKey(key.key(), type.getValue())) {
                        f.error(authLevel, type.getKey() + " \"" + key.key() + "\"", KEY_FORMAT);
                    }
                }
            }
        }
        Map<Integer, String> ports = new HashMap<>();
        Node services = system.child("services").orElse(Node.root());
        List<String> level = List.of("system", "services");
        services.child("ssh").ifPresent(ssh -> ports.put(port(ssh, 22), "ssh"));
        services.child("netconf").flatMap(n -> n.child("ssh")).ifPresent(nc -> {
            if (ports.putIfAbsent(port(nc, 830), "netconf") != null) f.error(Findings.at(level, "netconf"), "ssh", PORT_CONFLICT);
        });
        services.child("prometheus").ifPresent(p -> {
            if (ports.putIfAbsent(port(p, 9464), "prometheus") != null) f.error(level, "prometheus", PORT_CONFLICT);
        });
    }

    private static int port(Node service, int dflt) {
        return service.value("port").map(Integer::parseInt).orElse(dflt);
    }

    private static boolean wellFormedKey(String line, Pattern type) {
        String[] parts = line.strip().split("\\s+", 3);
        if (parts.length < 2 || !type.matcher(parts[0]).matches()) return false;
        try {
            Base64.getDecoder().decode(parts[1]);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
