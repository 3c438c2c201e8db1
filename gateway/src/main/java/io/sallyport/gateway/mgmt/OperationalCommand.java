package io.sallyport.gateway.mgmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    record ShowIkeSecurityAssociations(Level level, Optional<String> peer, Format format) implements OperationalCommand { }

    record ShowIkeStatistics(Optional<String> peer, Format format) implements OperationalCommand { }

    record ShowIpsecSecurityAssociations(Level level, Optional<String> serviceSet, boolean hex, Format format)
            implements OperationalCommand { }

    record ShowIpsecStatistics(Level level, Optional<String> serviceSet, Optional<String> remoteGateway, Format format)
            implements OperationalCommand { }

    record ClearIkeSecurityAssociations(Optional<String> peer, Optional<String> serviceSet) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ClearIpsecSecurityAssociations(Optional<String> serviceSet, Optional<String> remoteGateway)
            implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ClearIpsecStatistics(Optional<String> serviceSet) implements OperationalCommand {
        @Override
        public Format format() { return Format.TEXT; }
    }

    record ShowConfiguration(Format format) implements OperationalCommand { }

    /** Why the daemon thinks each service set is up or down, and which host resources it holds. */
    record ShowServiceSets(Format format) implements OperationalCommand { }

    /** The first words of every command, for {@code ?} help in the shell. */
    List<String> COMMANDS = List.of(
            "show services ipsec-vpn ike security-associations [brief|detail] [PEER]",
            "show services ipsec-vpn ike statistics [PEER]",
            "show services ipsec-vpn ipsec security-associations [brief|detail|extensive] [SERVICE-SET] [hex]",
            "show services ipsec-vpn ipsec statistics [brief|detail] [service-set NAME] [remote-gw ADDRESS]",
            "show services service-sets",
            "show configuration",
            "clear services ipsec-vpn ike security-associations [PEER] [service-set NAME]",
            "clear services ipsec-vpn ipsec security-associations [SERVICE-SET] [remote-gateway ADDRESS]",
            "clear services ipsec-vpn ipsec statistics [service-set NAME]");

    /** Parses one command line; the error text is what Junos would print for it. */
    static Parsed parse(String line) {
        List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
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

    /** Either a command or the error to print. */
    record Parsed(OperationalCommand command, String error) {
        static Parsed ok(OperationalCommand command) { return new Parsed(command, null); }
        static Parsed error(String error) { return new Parsed(null, error); }
    }
}
