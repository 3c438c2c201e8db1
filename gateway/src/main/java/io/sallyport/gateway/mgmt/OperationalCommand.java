package io.sallyport.gateway.mgmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The operational-mode commands the daemon answers, parsed from the words a user typed. Pipes
 * ({@code | match}, {@code | count}) are applied by the shell; {@code | display xml|json} is part
 * of the command because the daemon renders the element tree.
 */
public sealed interface OperationalCommand {

    /** How the reply is rendered. */
    enum Format { TEXT, XML, JSON }

    enum Level { BRIEF, DETAIL, EXTENSIVE }

    Format format();

    /**
     * Which SAs or tunnels a command is about (reference §4.1 options); empty means all.
     *
     * @param peer          the IKE {@code peer-address}, or the IPsec {@code remote-gateway}/{@code remote-gw}
     * @param routingInstance {@code routing-instance NAME}: the routing instance of the service set's
     *                      local gateway ({@code local-gateway A routing-instance R}, else {@code default})
     */
    record Filter(Optional<String> serviceSet, Optional<String> peer, OptionalInt tunnelIndex,
                  Optional<String> routingInstance) {
        public static final Filter ALL = new Filter(Optional.empty(), Optional.empty(), OptionalInt.empty(),
                Optional.empty());

        public static Filter serviceSet(String name) {
            return new Filter(Optional.of(name), Optional.empty(), OptionalInt.empty(), Optional.empty());
        }

        public static Filter peer(String address) {
            return new Filter(Optional.empty(), Optional.of(address), OptionalInt.empty(), Optional.empty());
        }

        public boolean routingInstanceMatches(String instance) {
            return routingInstance.map(instance::equals).orElse(true);
        }
    }

    record ShowIkeSecurityAssociations(Level level, Filter filter, Format format) implements OperationalCommand { }

    record ShowIkeStatistics(Filter filter, Format format) implements OperationalCommand { }

    record ShowIpsecSecurityAssociations(Level level, Filter filter, boolean hex, Format format)
            implements OperationalCommand { }

    record ShowIpsecStatistics(Level level, Filter filter, Format format) implements OperationalCommand { }

    /**
     * {@code show services ipsec-vpn drops} (Sallyport's own: Junos has no place for these): every
     * drop counter that no §4 layout carries, by where it happened and why.
     */
    record ShowDrops(Format format) implements OperationalCommand { }

    /**
     * {@code show services ipsec-vpn negotiation-times} (Sallyport's own): how long IKE SAs took to
     * come up, in buckets; the Prometheus handshake histogram reads it.
     */
    record ShowNegotiationTimes(Format format) implements OperationalCommand { }

    record ClearIkeSecurityAssociations(Filter filter) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ClearIkeStatistics(Filter filter) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ClearIpsecSecurityAssociations(Filter filter) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ClearIpsecStatistics(Filter filter) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    /**
     * {@code show services ipsec-vpn certificates [brief|detail] [service-set] NAME} (reference
     * §4.6): each service set's certificate cache.
     */
    record ShowCertificates(Level level, Optional<String> serviceSet, Format format) implements OperationalCommand { }

    /**
     * {@code clear services ipsec-vpn certificates service-set (NAME|all) [certificate-cache-entry N]};
     * an empty service set means {@code all}, an empty entry every peer entry.
     */
    record ClearCertificates(Optional<String> serviceSet, OptionalInt entry) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ShowConfiguration(Format format) implements OperationalCommand { }

    /** Why the daemon thinks each service set is up or down, and which host resources it holds. */
    record ShowServiceSets(Format format) implements OperationalCommand { }

    /**
     * {@code show services service-sets statistics tcp-mss [interface NAME]}: each service set's
     * {@code tcp-mss} counts; the interface is a services PIC ({@code ms-0/0/0}) or one of its units.
     */
    record ShowTcpMss(Optional<String> interfaceName, Format format) implements OperationalCommand { }

    /** {@code show security pki ca-certificate|local-certificate|certificate-request}. */
    record ShowPki(PkiObject object, Optional<String> name, Level level, Format format) implements OperationalCommand { }

    /** What a {@code show}/{@code clear security pki} command is about. */
    enum PkiObject {
        CA_CERTIFICATE("ca-certificate", "ca-profile"), LOCAL_CERTIFICATE("local-certificate", "certificate-id"),
        CERTIFICATE_REQUEST("certificate-request", "certificate-id"), KEY_PAIR("key-pair", "certificate-id"),
        CRL("crl", "ca-profile");

        private final String word;
        private final String nameWord;

        PkiObject(String word, String nameWord) {
            this.word = word;
            this.nameWord = nameWord;
        }

        public String word() { return word; }

        /** {@code ca-profile} or {@code certificate-id}. */
        public String nameWord() { return nameWord; }
    }

    /** {@code request security pki ...} and {@code clear security pki ...}: change the certificate store. */
    sealed interface PkiRequest extends OperationalCommand {
        @Override
        default Format format() { return Format.TEXT; }
    }

    /** {@code request security pki generate-key-pair certificate-id ID [size N] [type rsa|ecdsa]}; 0 = default size. */
    record GenerateKeyPair(String certificateId, int size, String type) implements PkiRequest { }

    record GenerateCertificateRequest(String certificateId, String subject, Optional<String> domainName,
            Optional<String> ipAddress, Optional<String> email, Optional<String> filename, String digest) implements PkiRequest { }

    record LoadCaCertificate(String caProfile, String filename) implements PkiRequest { }

    /** The passphrase decrypts the key (or PKCS#12 file) once and is never stored. */
    record LoadLocalCertificate(String certificateId, String filename, Optional<String> key, Optional<String> passphrase)
            implements PkiRequest {
        @Override
        public String toString() {
            return "LoadLocalCertificate[" + certificateId + ", " + filename + ", " + key + ", passphrase "
                    + (passphrase.isPresent() ? "given" : "none") + "]";
        }
    }

    record LoadCrl(String caProfile, String filename) implements PkiRequest { }

    /** {@code clear security pki ca-certificate|local-certificate|certificate-request|key-pair|crl [NAME-WORD NAME]}. */
    record ClearPki(PkiObject object, Optional<String> name) implements PkiRequest { }

    /**
     * {@code show ospf ...} and {@code show route ...}: answered from the routing daemons Sallyport
     * runs (FRR), in Junos layouts ({@link RoutingOperations}).
     */
    sealed interface RoutingQuery extends OperationalCommand { }

    record ShowOspfNeighbor(Format format) implements RoutingQuery { }

    record ShowOspfInterface(Format format) implements RoutingQuery { }

    /**
     * {@code show route [protocol P] [table T]}: the kernel's main table ({@code inet.0}) and the
     * routing instances' tables ({@code NAME.inet.0}); the protocol is {@code direct}, {@code local},
     * {@code static} or {@code ospf}.
     */
    record ShowRoute(Optional<String> protocol, Optional<String> table, Format format) implements RoutingQuery { }

    /** The first words of every command, for {@code ?} help in the shell. */
    List<String> COMMANDS = List.of(
            "show services ipsec-vpn ike security-associations [brief|detail] [PEER-ADDRESS] [routing-instance NAME]",
            "show services ipsec-vpn ike statistics [PEER-ADDRESS] [routing-instance NAME]",
            "show services ipsec-vpn ipsec security-associations [brief|detail|extensive] [SERVICE-SET] [hex]",
            "show services ipsec-vpn ipsec statistics [brief|detail] [service-set NAME] [remote-gw ADDRESS]"
                    + " [tunnel-index N] [routing-instance NAME]",
            "show services ipsec-vpn certificates [brief|detail] [service-set NAME]",
            "show services ipsec-vpn drops",
            "show services ipsec-vpn negotiation-times",
            "show services service-sets",
            "show services service-sets statistics tcp-mss [interface INTERFACE]",
            "show configuration",
            "show ospf neighbor",
            "show ospf interface",
            "show route [protocol PROTOCOL] [table TABLE]",
            "clear services ipsec-vpn ike security-associations [PEER-ADDRESS] [service-set NAME] [routing-instance NAME]",
            "clear services ipsec-vpn ike statistics [PEER-ADDRESS] [service-set NAME] [routing-instance NAME]",
            "clear services ipsec-vpn ipsec security-associations [SERVICE-SET] [tunnel-index N] [remote-gateway ADDRESS]",
            "clear services ipsec-vpn ipsec statistics [service-set NAME] [remote-gateway ADDRESS]",
            "clear services ipsec-vpn certificates service-set (NAME|all) [certificate-cache-entry N]",

            "show security pki ca-certificate [ca-profile] [brief|detail]",
            "show security pki local-certificate [certificate-id] [brief|detail]",
            "show security pki certificate-request [certificate-id] [brief|detail]",
            "request security pki generate-key-pair certificate-id ID [size] [type]",
            "request security pki generate-certificate-request certificate-id ID subject DN [domain-name] [ip-address] [email] [filename] [digest]",
            "request security pki ca-certificate load ca-profile PROFILE filename FILE",
            "request security pki local-certificate load certificate-id ID filename FILE [key] [passphrase]",
            "request security pki crl load ca-profile PROFILE filename FILE",
            "clear security pki ca-certificate [ca-profile]",
            "clear security pki local-certificate [certificate-id]",
            "clear security pki certificate-request [certificate-id]",
            "clear security pki key-pair [certificate-id]",
            "clear security pki crl [ca-profile]");

    /** Parses one command line; the error text is what Junos would print for it. */
    static Parsed parse(String line) {
        List<String> words = words(line);
        Format format = Format.TEXT;
        int pipe = words.indexOf("|");
        if (pipe >= 0) {
            List<String> tail = words.subList(pipe, words.size());
            if (tail.size() == 3 && tail.get(1).equals("display")) {
                switch (tail.get(2)) {
                    case "xml" -> format = Format.XML;
                    case "json" -> format = Format.JSON;
                    default -> { return Parsed.error("syntax error, expecting <xml> or <json>: " + tail.get(2)); }
                }
            } else {
                return Parsed.error("syntax error: unsupported pipe '" + String.join(" ", tail) + "'");
            }
            tail.clear();
        }
        return new CommandWords(words, format).parse();
    }

    /** The words of a line; a double-quoted word may hold spaces ({@code subject "CN=a, O=b"}). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.trim().toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) out.add(w.toString());
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) out.add(w.toString());
        if (out.isEmpty()) out.add("");
        return out;
    }

    /** Either a command or the error to print. */
    record Parsed(OperationalCommand command, String error) {
        static Parsed ok(OperationalCommand command) { return new Parsed(command, null); }
        static Parsed error(String error) { return new Parsed(null, error); }
    }
}
