package io.sallyport.config;

import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.KeyPart;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;

import java.util.List;

import static io.sallyport.config.ValueType.ADDRESS;
import static io.sallyport.config.ValueType.INTERFACE_UNIT;
import static io.sallyport.config.ValueType.OBJECT_NAME;
import static io.sallyport.config.ValueType.PREFIX;

/**
 * The statement tree of reference §1, with value types, ranges and defaults from §1/§2, and one
 * line of help per statement. Statement order here is the order {@code show configuration} prints.
 */
final class JunosSchema {

    private JunosSchema() {}

    // Keyword sets of reference §2.1.
    static final List<String> IKE_AUTH_METHODS = List.of("dsa-signatures", "ecdsa-signatures-256", "ecdsa-signatures-384",
        "pre-shared-keys", "rsa-signatures");
    static final List<String> DH_GROUPS = List.of("group1", "group2", "group5", "group14", "group15", "group16",
        "group19", "group20", "group24");
    static final List<String> IKE_AUTH_ALGORITHMS = List.of("md5", "sha1", "sha-256", "sha-384");
    static final List<String> CBC_CIPHERS = List.of("3des-cbc", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "des-cbc");
    static final List<String> IPSEC_AUTH_ALGORITHMS = List.of("hmac-md5-96", "hmac-sha-256-128", "hmac-sha-256-96",
        "hmac-sha1-96", "hmac-sha2-256");
    static final List<String> IPSEC_CIPHERS = List.of("3des-cbc", "aes-128-cbc", "aes-128-gcm", "aes-192-cbc",
        "aes-192-gcm", "aes-256-cbc", "aes-256-gcm", "des-cbc");
    static final List<String> MANUAL_AUTH_ALGORITHMS = List.of("hmac-md5-96", "hmac-sha-256-128", "hmac-sha1-96",
        "hmac-sha2-256");

    static Container build() {
        return new Container("", "", false, false, false, null, List.of(
            system(), interfaces(), routingOptions("Protocol-independent routing options"), protocols(), policyOptions(),
            accessHierarchy(), security(), routingInstances(), services()));
    }

    // ---- DSL -------------------------------------------------------------------------------

    static Container c(String name, String help, SchemaNode... kids) {
        return new Container(name, help, false, false, false, null, List.of(kids));
    }

    static Container presence(String name, String help, SchemaNode... kids) {
        return new Container(name, help, true, false, false, null, List.of(kids));
    }

    static Container flat(String name, String help, boolean presence, SchemaNode... kids) {
        return new Container(name, help, presence, true, false, null, List.of(kids));
    }

    static ListNode list(String name, String help, ValueType key, SchemaNode... kids) {
        return new ListNode(name, help, List.of(new KeyPart(null, key)), false, false, null, List.of(kids));
    }

    static ListNode flatList(String name, String help, ValueType key, SchemaNode... kids) {
        return new ListNode(name, help, List.of(new KeyPart(null, key)), false, true, null, List.of(kids));
    }

    static ListNode keyless(String name, String help, ValueType key, SchemaNode... kids) {
        return new ListNode(name, help, List.of(new KeyPart(null, key)), true, false, null, List.of(kids));
    }

    static Leaf leaf(String name, String help, ValueType type) {
        return new Leaf(name, help, type, null, false, null);
    }

    static Leaf leaf(String name, String help, ValueType type, String dflt) {
        return new Leaf(name, help, type, dflt, false, null);
    }

    static Leaf positional(String name, String help, ValueType type) {
        return new Leaf(name, help, type, null, true, null);
    }

    static LeafList leafList(String name, String help, ValueType type) {
        return new LeafList(name, help, type, null);
    }

    static Flag flag(String name, String help) { return new Flag(name, help, null); }

    static ValueType en(String... values) { return new ValueType.Enumeration(List.of(values)); }

    static ValueType en(List<String> values) { return new ValueType.Enumeration(values); }

    static ValueType range(long min, long max) { return new ValueType.IntRange(min, max); }

    static ValueType text(String what, int min, int max) { return new ValueType.Text(what, min, max, null, null); }

    static ValueType secret(ValueType plain) { return new ValueType.Secret(plain); }

    /** Puts a statement into a choice group: setting one member removes its siblings. */
    static SchemaNode ch(String group, SchemaNode n) {
        return switch (n) {
            case Container x -> new Container(x.name(), x.help(), x.presence(), x.flat(), x.collapse(), group, x.children());
            case ListNode x -> new ListNode(x.name(), x.help(), x.key(), x.keyless(), x.flat(), group, x.children());
            case Leaf x -> new Leaf(x.name(), x.help(), x.type(), x.defaultValue(), x.positional(), group);
            case LeafList x -> new LeafList(x.name(), x.help(), x.type(), group);
            case Flag x -> new Flag(x.name(), x.help(), group);
        };
    }

    static SchemaNode key(String help) {
        return flat("key", help, false,
            ch("key", leaf("ascii-text", "Format as text", secret(text("key", 1, 255)))),
            ch("key", leaf("hexadecimal", "Format as hexadecimal", secret(new ValueType.Hex(255)))));
    }

    static SchemaNode preSharedKey() {
        return flat("pre-shared-key", "Define a preshared key", false,
            ch("psk", leaf("ascii-text", "Format as text", secret(text("key", 1, 255)))),
            ch("psk", leaf("hexadecimal", "Format as hexadecimal", secret(new ValueType.Hex(255)))));
    }

    static SchemaNode deadPeerDetection() {
        return c("dead-peer-detection", "Dead peer detection options",
            leaf("interval", "The interval at which to send DPD messages (seconds)", range(1, 180), "10"),
            leaf("threshold", "Maximum number of DPD retransmissions", range(1, 10), "3"));
    }

    static SchemaNode traceFile() {
        return flat("file", "Trace file information", false,
            positional("filename", "Name of file in which to write trace information", text("filename", 1, 1024)),
            leaf("size", "Maximum trace file size", ValueType.SIZE),
            leaf("files", "Maximum number of trace files", range(2, 1000), "3"),
            ch("world", flag("world-readable", "Allow any user to read the log file")),
            ch("world", flag("no-world-readable", "Don't allow any user to read the log file")),
            leaf("match", "Regular expression for lines to be logged", ValueType.STRING));
    }

    // ---- [edit system] ----------------------------------------------------------------------

    static SchemaNode system() {
        return c("system", "System parameters",
            leaf("host-name", "Hostname for this router", new ValueType.Text("hostname", 1, 255,
                java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*"), "use letters, digits, '.', '_' and '-'")),
            login(), systemServices());
    }

    /** {@code system login user NAME}: who may log in over SSH and NETCONF, with which class. */
    static SchemaNode login() {
        ValueType publicKey = text("public-key", 1, 16384);
        return c("login", "Names, login classes, and passwords for users",
            list("user", "Username", new ValueType.Text("username", 1, 64,
                    java.util.regex.Pattern.compile("[a-z_][a-z0-9_.-]*"), "use lower-case letters, digits, '.', '_' and '-'"),
                leaf("full-name", "Full name", ValueType.DESCRIPTION),
                leaf("class", "Login class", en("super-user", "operator", "read-only")),
                c("authentication", "Authentication method",
                    leaf("encrypted-password", "Encrypted password string", ValueType.NAME),
                    list("ssh-rsa", "Secure shell (ssh) RSA public key string", publicKey),
                    list("ssh-ecdsa", "Secure shell (ssh) ECDSA public key string", publicKey),
                    list("ssh-ed25519", "Secure shell (ssh) EDDSA public key string", publicKey))));
    }

    /** {@code system services}: the SSH server (CLI), NETCONF over SSH, the Prometheus endpoint. */
    static SchemaNode systemServices() {
        return c("services", "System services",
            presence("ssh", "Allow ssh access",
                leaf("port", "Port number to accept incoming connections", range(1, 65535), "22"),
                leafList("addresses", "Addresses to accept connections on (default: all)", ADDRESS)),
            c("netconf", "Allow NETCONF connections",
                presence("ssh", "Allow NETCONF over SSH",
                    leaf("port", "Service port number", range(1, 65535), "830"))),
            presence("prometheus", "Serve metrics for Prometheus over HTTP (Sallyport extension)",
                leaf("port", "Port number to accept scrapes on", range(1, 65535), "9464"),
                leafList("addresses", "Addresses to accept scrapes on (default: 127.0.0.1)", ADDRESS)));
    }

    // ---- [edit interfaces] ------------------------------------------------------------------

    static SchemaNode interfaces() {
        SchemaNode serviceSetRef = new ListNode("service-set", "Service set to apply", List.of(new KeyPart(null, ValueType.SERVICE_SET_NAME)),
            false, true, null, List.of(leaf("service-filter", "Service filter to apply", OBJECT_NAME)));
        SchemaNode inet = new Container("inet", "IPv4 parameters", true, false, false, null, List.of(
            list("address", "Interface address/destination prefix", PREFIX,
                flag("primary", "Candidate for primary address in system"),
                flag("preferred", "Preferred address on interface")),
            c("service", "Service parameters",
                c("input", "Input services",
                    serviceSetRef,
                    leaf("post-service-filter", "Filter to apply after input services", OBJECT_NAME)),
                c("output", "Output services", serviceSetRef))));
        SchemaNode inet6 = presence("inet6", "IPv6 parameters",
            list("address", "Interface address/destination prefix", PREFIX));
        SchemaNode family = new Container("family", "Protocol family", false, false, true, null, List.of(inet, inet6));
        SchemaNode unit = list("unit", "Logical interface", range(0, 1073741823),
            leaf("description", "Text description of interface", ValueType.DESCRIPTION),
            c("dial-options", "Dial options",
                leaf("ipsec-interface-id", "IPsec interface id", ValueType.INTERFACE_ID),
                leaf("l2tp-interface-id", "L2TP interface id", ValueType.INTERFACE_ID),
                ch("mode", flag("shared", "Interface is shared")),
                ch("mode", flag("dedicated", "Interface is dedicated"))),
            family,
            leaf("service-domain", "Service domain", en("inside", "outside")));
        return c("interfaces", "Interface configuration",
            keyless("interface", "Interface name", ValueType.INTERFACE,
                leaf("description", "Text description of interface", ValueType.DESCRIPTION),
                c("services-options", "Services interface options",
                    leaf("syslog", "System logging facility", ValueType.NAME)),
                unit));
    }

    // ---- [edit access] ------------------------------------------------------------------------

    static SchemaNode accessHierarchy() {
        ListNode proxyPair = new ListNode("allowed-proxy-pair", "Allowed network pair (local and remote) for this client",
            List.of(new KeyPart("local", PREFIX), new KeyPart("remote", PREFIX)), false, false, null, List.of());
        SchemaNode ike = c("ike", "IKE configuration",
            proxyPair,
            ch("auth", preSharedKey()),
            ch("auth", leaf("ike-policy", "Name of IKE policy", OBJECT_NAME)),
            leaf("ipsec-policy", "Name of IPsec policy", OBJECT_NAME),
            leaf("interface-id", "Interface id to select the dynamic service units", ValueType.INTERFACE_ID),
            flag("initiate-dead-peer-detection", "Detect dead peer and clear SAs"),
            deadPeerDetection(),
            new Container("respond-bad-spi", "Respond to IPsec packets with bad SPI values", true, true, false, null, List.of(
                positional("max-responses", "Maximum number of times to respond", range(1, 30)))),
            c("reverse-route", "Install reverse route",
                leaf("preference", "Preference of the reverse route", range(0, 4294967295L))));
        return c("access", "Network access configuration",
            list("profile", "Access profile", text("profile-name", 1, 32),
                list("client", "Client profile (* for any dynamic IKE peer)", text("client-name", 1, 64), ike,
                    presence("ppp", "PPP client configuration (stored, not run by Sallyport)",
                        leaf("framed-ip-address", "Framed IP address", PREFIX)),
                    presence("l2tp", "L2TP client configuration (stored, not run by Sallyport)",
                        leaf("interface-id", "Interface identifier", ValueType.INTERFACE_ID)))));
    }

    // ---- [edit security] ------------------------------------------------------------------------

    static SchemaNode security() {
        SchemaNode caProfile = list("ca-profile", "Certificate authority profile configuration", ValueType.CA_PROFILE_NAME,
            leaf("ca-identity", "Certificate authority identifier", ValueType.STRING),
            leaf("source-address", "Use specified address as source address", ADDRESS),
            leaf("routing-instance", "Use specified routing instance", ValueType.INSTANCE_NAME),
            c("enrollment", "Enrollment parameters for certificate authority",
                leaf("url", "Enrollment URL of certificate authority", ValueType.URL),
                leaf("retry", "Number of enrollment retry attempts before aborting", range(0, 1080), "1000"),
                leaf("retry-interval", "Interval in seconds between the enrollment retries", range(0, 3600), "600")),
            c("revocation-check", "Method for checking certificate revocations",
                ch("method", flag("use-crl", "Use CRL for revocation check")),
                ch("method", flag("use-ocsp", "Use OCSP for revocation check")),
                ch("method", flag("disable", "Disable revocation check")),
                c("crl", "Certificate revocation list configuration",
                    c("disable", "Disable CRL validation", flag("on-download-failure", "Check revocation status with existing CRL file")),
                    list("url", "URL of CRL distribution point for certificate authority", ValueType.URL,
                        leaf("password", "Password for authentication with the server", secret(ValueType.STRING))),
                    leaf("refresh-interval", "CRL refresh interval (hours)", range(0, 8784))),
                c("ocsp", "Online Certificate Status Protocol (OCSP) configuration",
                    leaf("url", "URL of OCSP responder", ValueType.URL),
                    leaf("nonce-payload", "Include nonce payload in OCSP requests", en("enable", "disable")))),
            c("administrator", "Administrator details to be included in the certificate request",
                leaf("email-address", "Administrator e-mail", ValueType.NAME)));
        SchemaNode pki = c("pki", "PKI service configuration",
            caProfile,
            list("trusted-ca-group", "Trusted CA group configuration", ValueType.CA_PROFILE_NAME,
                leafList("ca-profiles", "Name of the CA profiles (maximum 20)", ValueType.CA_PROFILE_NAME)),
            c("traceoptions", "PKI trace options",
                traceFile(),
                list("flag", "Tracing parameters", en("certificate-verification", "online-crl-check", "enrollment", "acme-enrollment", "all")),
                flag("no-remote-trace", "Disable remote tracing")));
        SchemaNode traceoptions = c("traceoptions", "Trace options for key management (kmd)",
            traceFile(),
            list("flag", "Tracing parameters", en("timer", "routing-socket", "parse", "config", "ike", "policy-manager",
                "general", "database", "certificates", "snmp", "thread", "high-availability", "next-hop-tunnels", "all")),
            flag("no-remote-trace", "Disable remote tracing"));
        return c("security", "Security configuration", securityIke(), securityIpsec(), pki, traceoptions);
    }

    /**
     * {@code [edit security ike]} and {@code [edit security ipsec]} (the SRX-style hierarchy):
     * stored so the commit checks can reject names defined both there and under services.
     */
    static SchemaNode securityIke() {
        return c("ike", "IKE configuration (security hierarchy)",
            list("proposal", "Define an IKE proposal", OBJECT_NAME,
                leaf("authentication-method", "Define authentication method", en(IKE_AUTH_METHODS)),
                leaf("dh-group", "Define Diffie-Hellman group", en(DH_GROUPS)),
                leaf("authentication-algorithm", "Define authentication algorithm", en(IKE_AUTH_ALGORITHMS)),
                leaf("encryption-algorithm", "Define encryption algorithm", en(CBC_CIPHERS)),
                leaf("lifetime-seconds", "Lifetime, in seconds", range(180, 86400))),
            list("policy", "Define an IKE policy", OBJECT_NAME,
                leaf("mode", "Define an IKE mode for Phase 1", en("main", "aggressive")),
                leafList("proposals", "Name of the IKE proposal", OBJECT_NAME),
                preSharedKey()));
    }

    static SchemaNode securityIpsec() {
        return c("ipsec", "IPSec configuration (security hierarchy)",
            list("proposal", "Define an IPSec proposal", OBJECT_NAME,
                leaf("protocol", "Define an IPSec protocol for the proposal", en("ah", "esp")),
                leaf("authentication-algorithm", "Define authentication algorithm", en(IPSEC_AUTH_ALGORITHMS)),
                leaf("encryption-algorithm", "Define encryption algorithm", en(IPSEC_CIPHERS)),
                leaf("lifetime-seconds", "Lifetime, in seconds", range(180, 86400))),
            list("policy", "Define an IPSec policy", OBJECT_NAME,
                c("perfect-forward-secrecy", "Define perfect forward secrecy",
                    leaf("keys", "Define Diffie-Hellman group", en(DH_GROUPS))),
                leafList("proposals", "Name of the IPSec proposal", OBJECT_NAME)));
    }

    // ---- routing ------------------------------------------------------------------------------

    static SchemaNode routingOptions(String help) {
        return c("routing-options", help,
            leaf("router-id", "Router identifier", ValueType.IPV4_ADDRESS),
            c("static", "Static routing information",
                flatList("route", "Static route", PREFIX,
                    leafList("next-hop", "Next hop to destination (address or interface unit)", ValueType.ADDRESS_OR_INTERFACE_UNIT),
                    leaf("preference", "Preference value", range(0, 4294967295L)),
                    leaf("metric", "Metric value", range(0, 4294967295L)))));
    }

    static SchemaNode protocols() {
        SchemaNode ospfInterface = list("interface", "Include an interface in this area", ValueType.INTERFACE_OR_UNIT,
            flag("passive", "Do not run OSPF, but advertise it"),
            leaf("interface-type", "Type of interface", en("nbma", "p2mp", "p2p", "p2mp-over-lan")),
            leaf("metric", "Interface metric", range(1, 65535)),
            leaf("hello-interval", "Hello interval (seconds)", range(1, 255)),
            leaf("dead-interval", "Dead interval (seconds)", range(1, 65535)),
            leaf("priority", "Designated router priority", range(0, 255)));
        SchemaNode area = list("area", "Configure an OSPF area", ValueType.IPV4_ADDRESS,
            flag("stub", "Configure a stub area"),
            ospfInterface);
        return c("protocols", "Routing protocol configuration",
            c("ospf", "OSPF configuration (run by FRR's ospfd)",
                leafList("export", "Export policy", OBJECT_NAME),
                leaf("reference-bandwidth", "Bandwidth for calculating metric defaults", new ValueType.Bandwidth(9_600L, 1_000_000_000_000L)),
                area));
    }

    static SchemaNode policyOptions() {
        SchemaNode then = flat("then", "Actions to take if 'from' and 'to' conditions match", false,
            flat("community", "BGP community properties associated with a route", false,
                ch("op", leaf("add", "Add BGP communities to set", OBJECT_NAME)),
                ch("op", leaf("delete", "Remove BGP communities from set", OBJECT_NAME)),
                ch("op", leaf("set", "Replace BGP communities in set", OBJECT_NAME))),
            ch("action", flag("accept", "Accept a route")),
            ch("action", flag("reject", "Reject a route")));
        SchemaNode from = c("from", "Conditions to match the source of a route",
            leafList("protocol", "Protocol from which route was learned", en("bgp", "direct", "local", "ospf", "static")),
            leafList("community", "BGP community", OBJECT_NAME),
            list("route-filter", "Routes to match", PREFIX, flag("exact", "Exactly match the prefix length"),
                flag("orlonger", "Mask length greater than or equal to the prefix length")));
        return c("policy-options", "Policy option configuration",
            list("policy-statement", "Routing policy", ValueType.INSTANCE_NAME,
                list("term", "Policy term", ValueType.INSTANCE_NAME, from, then),
                from, then),
            flatList("community", "BGP community information", ValueType.INSTANCE_NAME,
                leafList("members", "Community members", ValueType.COMMUNITY_MEMBER)));
    }

    static SchemaNode routingInstances() {
        return c("routing-instances", "Routing instances",
            keyless("instance", "Routing instance name", ValueType.INSTANCE_NAME,
                leaf("description", "Text description of routing instance", ValueType.DESCRIPTION),
                leaf("instance-type", "Type of routing instance",
                    en("forwarding", "l2vpn", "virtual-router", "virtual-switch", "vpls", "vrf")),
                list("interface", "Interface name for this routing instance", ValueType.INTERFACE_UNIT),
                leaf("route-distinguisher", "Route distinguisher for this instance", ValueType.ROUTE_DISTINGUISHER),
                leafList("vrf-import", "Import policy for VRF instance RIBs", ValueType.INSTANCE_NAME),
                leafList("vrf-export", "Export policy for VRF instance RIBs", ValueType.INSTANCE_NAME),
                new Container("vrf-target", "VRF target community configuration", false, true, false, null, List.of(
                    positional("community", "Target community to use in import and export", ValueType.COMMUNITY_MEMBER),
                    leaf("import", "Target community to use when filtering on import", ValueType.COMMUNITY_MEMBER),
                    leaf("export", "Target community to use when marking routes on export", ValueType.COMMUNITY_MEMBER))),
                routingOptions("Protocol-independent routing options for this instance")));
    }

    // ---- [edit services] -------------------------------------------------------------------------

    static SchemaNode services() {
        return c("services", "Service PIC applications settings", serviceSet(), ipsecVpn());
    }

    static SchemaNode serviceSet() {
        SchemaNode localGateway = flat("local-gateway", "Local gateway address", false,
            positional("address", "Local gateway address", ADDRESS),
            leaf("routing-instance", "Name of routing instance that hosts local gateway", ValueType.INSTANCE_NAME),
            leaf("gw-interface", "Local gateway interface", INTERFACE_UNIT),
            leaf("interface", "Local gateway interface (instead of an address)", INTERFACE_UNIT));
        SchemaNode options = c("ipsec-vpn-options", "IPSec VPN service options",
            localGateway,
            leaf("ike-access-profile", "IKE access profile for dynamic endpoints", text("profile-name", 1, 32)),
            leafList("trusted-ca", "List of trusted certificate authority profiles", ValueType.CA_PROFILE_NAME),
            flag("no-certificate-chain-in-ike", "Send only the end-entity certificate in IKE"),
            leaf("anti-replay-window-size", "Size of the anti-replay window (bits)", range(64, 4096)),
            flag("no-anti-replay", "Disable the anti-replay check"),
            flag("clear-dont-fragment-bit", "Clear the don't fragment bit"),
            flag("copy-dont-fragment-bit", "Copy the don't fragment bit from the inner header"),
            flag("set-dont-fragment-bit", "Set the don't fragment bit"),
            flag("passive-mode-tunneling", "Tunnel malformed packets without active IP checks"),
            leaf("tunnel-mtu", "Maximum transmit packet size (bytes)", range(256, 9192)),
            flat("udp-encapsulate", "UDP encapsulation of IPsec data traffic", true,
                leaf("dest-port", "UDP destination port", range(1025, 65535), "4565")),
            flag("no-nat-traversal", "Disable NAT traversal for this service set"),
            leaf("nat-keepalive", "NAT-T keepalive interval (seconds)", range(1, 300)));
        return list("service-set", "Define a service set", ValueType.SERVICE_SET_NAME,
            ch("style", presence("interface-service", "Interface-style service set",
                leaf("service-interface", "Name of adaptive services interface", ValueType.INTERFACE_OR_UNIT))),
            ch("style", presence("next-hop-service", "Next-hop-style service set",
                leaf("inside-service-interface", "Service interface for the inside network", INTERFACE_UNIT),
                leaf("outside-service-interface", "Service interface for the outside network", INTERFACE_UNIT),
                leaf("service-interface-pool", "Name of service interface pool", OBJECT_NAME))),
            c("service-set-options", "Service set options",
                c("header-integrity-check", "Check the integrity of packet headers",
                    flag("enable-all", "Enable the header integrity check for all packets"))),
            leaf("tcp-mss", "Clamp the TCP maximum segment size", range(536, 65535)),
            options,
            ch("rules", leafList("ipsec-vpn-rules", "IPSec VPN rules for this service set", ValueType.RULE_NAME)),
            ch("rules", leafList("ipsec-vpn-rule-sets", "IPSec VPN rule sets for this service set", ValueType.RULE_NAME)));
    }

    static SchemaNode ipsecVpn() {
        return c("ipsec-vpn", "IPSec VPN service configuration",
            rule(),
            list("rule-set", "Define a set of IPSec VPN rules", ValueType.RULE_NAME,
                list("rule", "Rule of the rule set", ValueType.RULE_NAME)),
            ike(), ipsec(),
            leaf("establish-tunnels", "When to set up IPsec tunnels",
                en("immediately", "on-traffic", "responder-only"), "on-traffic"),
            c("traceoptions", "Trace options for IPSec key management",
                traceFile(),
                leaf("level", "Level of debugging output", en("error", "warning", "notice", "info", "verbose", "all"), "error"),
                list("flag", "Tracing parameters", en("timer", "routing-socket", "parse", "ike", "policy-manager",
                    "general", "database", "certificates", "snmp", "ams", "lic", "all")),
                flag("no-remote-trace", "Disable remote tracing")),
            flag("no-ipsec-tunnel-in-traceroute", "Do not show the IPsec tunnel endpoint in traceroute output"),
            flag("clear-ike-sas-on-pic-restart", "Clear IKE SAs when the services PIC restarts"),
            flag("clear-ipsec-sas-on-pic-restart", "Clear IPsec SAs when the services PIC restarts"),
            flag("disable-natt", "Disable NAT traversal even if NAT is detected"));
    }

    static SchemaNode rule() {
        SchemaNode from = c("from", "Match criteria",
            c("source-address", "Match IP source address",
                keyless("prefix", "Source prefix (one)", PREFIX)),
            c("destination-address", "Match IP destination address",
                keyless("prefix", "Destination prefix (one)", PREFIX)),
            leaf("ipsec-inside-interface", "IPSec inside interface to match", INTERFACE_UNIT));
        SchemaNode direction = list("direction", "Manual SA direction", en("inbound", "outbound", "bidirectional"),
            leaf("protocol", "Define an IPSec protocol for the security association", en("ah", "esp", "bundle")),
            leaf("spi", "Security parameter index", range(256, 16639)),
            leaf("auxiliary-spi", "ESP security parameter index for IPSec SA bundle", range(256, 16639)),
            c("authentication", "Define authentication parameters",
                leaf("algorithm", "Authentication algorithm", en(MANUAL_AUTH_ALGORITHMS)),
                key("Authentication key")),
            c("encryption", "Define encryption parameters",
                leaf("algorithm", "Encryption algorithm", en(CBC_CIPHERS)),
                key("Encryption key")));
        SchemaNode then = c("then", "Action to take if the 'from' condition is matched",
            leaf("remote-gateway", "Remote gateway address", ADDRESS),
            leaf("backup-remote-gateway", "Backup remote gateway address", ADDRESS),
            ch("sa", c("manual", "Define a manual security association", direction)),
            ch("sa", presence("dynamic", "Define a dynamic security association",
                leaf("ike-policy", "Name of the IKE policy", OBJECT_NAME),
                leaf("ipsec-policy", "Name of the IPSec policy", OBJECT_NAME),
                leaf("natt-install-interval", "Delay before installing the IPsec SA when NAT-T is used (seconds)", range(0, 10), "0"))),
            leaf("anti-replay-window-size", "Size of the anti-replay window (bits)", range(64, 4096)),
            flag("no-anti-replay", "Disable the anti-replay check"),
            flag("clear-dont-fragment-bit", "Clear the don't fragment bit"),
            flag("copy-dont-fragment-bit", "Copy the don't fragment bit from the inner header"),
            flag("set-dont-fragment-bit", "Set the don't fragment bit"),
            leaf("tunnel-mtu", "Maximum transmit packet size (bytes)", range(256, 9192)),
            flag("initiate-dead-peer-detection", "Initiate dead peer detection"),
            deadPeerDetection(),
            flag("copy-ttl-from-inner-ip-header", "Copy the TTL from the inner IP header"),
            leaf("ttl", "TTL of the outer IP header", range(1, 254), "64"),
            flag("copy-tos-from-inner-ip-header", "Copy the ToS from the inner IP header"),
            leaf("tos", "ToS of the outer IP header", range(0, 255), "0"),
            flag("syslog", "Generate system log messages"));
        return list("rule", "Define an IPSec VPN rule", ValueType.RULE_NAME,
            list("term", "Define an IPSec VPN term", ValueType.RULE_NAME, from, then),
            leaf("match-direction", "Direction for which the rule match is applied", en("input", "output")));
    }

    static SchemaNode ike() {
        SchemaNode remoteId = c("remote-id", "Remote IKE identity to accept",
            flag("any-remote-id", "Accept any remote identity"),
            leafList("ipv4_addr", "IPv4 address identities", ValueType.IPV4_ADDRESS),
            leafList("ipv6-addr", "IPv6 address identities", ADDRESS),
            leafList("fqdn", "Fully qualified domain name identities", text("fqdn", 1, 255)),
            leafList("key-id", "Key identifiers", new ValueType.Hex(255)),
            c("distinguished-name", "Distinguished name identities",
                leafList("container", "Container string of the distinguished name", ValueType.STRING),
                leafList("wildcard", "Wildcard string of the distinguished name", ValueType.STRING),
                leafList("exact-match", "Exact distinguished name", ValueType.STRING)));
        SchemaNode localId = flat("local-id", "Local IKE identity", false,
            ch("id", leaf("ipv4_addr", "IPv4 address identity", ValueType.IPV4_ADDRESS)),
            ch("id", leaf("ipv6-addr", "IPv6 address identity", ADDRESS)),
            ch("id", leaf("fqdn", "Fully qualified domain name identity", text("fqdn", 1, 255))),
            ch("id", leaf("key-id", "Key identifier", new ValueType.Hex(255))),
            ch("id", flag("distinguished-name", "Use the distinguished name of the local certificate")));
        return c("ike", "IKE configuration",
            list("proposal", "Define an IKE proposal", OBJECT_NAME,
                leaf("description", "Text description of IKE proposal", text("description", 1, 80)),
                leaf("authentication-method", "Define authentication method", en(IKE_AUTH_METHODS), "pre-shared-keys"),
                leaf("dh-group", "Define Diffie-Hellman group", en(DH_GROUPS), "group2"),
                leaf("authentication-algorithm", "Define authentication algorithm", en(IKE_AUTH_ALGORITHMS), "sha1"),
                leaf("encryption-algorithm", "Define encryption algorithm", en(CBC_CIPHERS), "3des-cbc"),
                leaf("lifetime-seconds", "Lifetime, in seconds", range(180, 86400), "3600")),
            list("policy", "Define an IKE policy", OBJECT_NAME,
                leaf("description", "Text description of IKE policy", text("description", 1, 80)),
                leaf("mode", "Define an IKE mode for Phase 1 (version 1 only)", en("main", "aggressive"), "main"),
                leaf("version", "Define the IKE version to use", en("1", "2"), "1"),
                leafList("proposals", "Name of the IKE proposal", OBJECT_NAME),
                localId,
                remoteId,
                preSharedKey(),
                leaf("local-certificate", "Local certificate identifier", text("certificate-id", 1, 32)),
                leaf("peer-certificate-type", "Preferred type of certificate from peer", en("pkcs7", "x509-signature"), "x509-signature"),
                leafList("certificate-policy-oids", "Certificate policy object identifiers (maximum 5)", ValueType.NAME),
                new Container("respond-bad-spi", "Respond to IPsec packets with bad SPI values", true, true, false, null, List.of(
                    new Leaf("max-responses", "Maximum number of times to respond", range(1, 30), "5", true, null)))));
    }

    static SchemaNode ipsec() {
        return c("ipsec", "IPSec configuration",
            list("proposal", "Define an IPSec proposal", OBJECT_NAME,
                leaf("description", "Text description of IPSec proposal", text("description", 1, 80)),
                leaf("protocol", "Define an IPSec protocol for the proposal", en("ah", "esp", "bundle"), "esp"),
                leaf("authentication-algorithm", "Define authentication algorithm", en(IPSEC_AUTH_ALGORITHMS), "hmac-sha1-96"),
                leaf("encryption-algorithm", "Define encryption algorithm", en(IPSEC_CIPHERS), "3des-cbc"),
                leaf("lifetime-seconds", "Lifetime, in seconds", range(180, 86400), "28800")),
            list("policy", "Define an IPSec policy", OBJECT_NAME,
                leaf("description", "Text description of IPSec policy", text("description", 1, 80)),
                c("perfect-forward-secrecy", "Define perfect forward secrecy",
                    leaf("keys", "Define Diffie-Hellman group", en(DH_GROUPS))),
                leafList("proposals", "Name of the IPSec proposal", OBJECT_NAME),
                leaf("proposal-set", "Types of default IPSEC proposal-set", en("basic", "compatible", "standard"))));
    }
}
