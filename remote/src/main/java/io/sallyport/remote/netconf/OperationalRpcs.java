package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
import io.sallyport.cli.Reply;
import io.sallyport.cli.Shell;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * Operational RPCs: {@code <command>} (any CLI operational command) and the named RPCs of
 * reference §4.1, each run as its CLI command through the user's {@link Shell}, so the login
 * class applies exactly as on the CLI. The XML is what {@code | display xml} prints.
 */
final class OperationalRpcs {
    /**
     * RPC name → CLI command. The first is the reference's (§4.1); the others follow Junos's
     * naming of the same commands.
     */
    static final Map<String, String> COMMANDS = Map.of(
            "get-ike-services-security-associations-information", "show services ipsec-vpn ike security-associations",
            "get-ike-services-statistics-information", "show services ipsec-vpn ike statistics",
            "get-services-security-associations-information", "show services ipsec-vpn ipsec security-associations",
            "get-services-ipsec-statistics-information", "show services ipsec-vpn ipsec statistics",
            "get-service-set-information", "show services service-sets");
    /** Argument elements that are written as {@code NAME VALUE} on the command line. */
    private static final List<String> NAMED_ARGUMENTS = List.of("service-set", "remote-gw");

    private final Shell shell;
    private final SystemFacts facts;

    OperationalRpcs(Shell shell, SystemFacts facts) {
        this.shell = shell;
        this.facts = facts;
    }

    /** The reply to {@code rpc}, or empty when it is not an operational RPC. */
    Optional<RpcReply> answer(String name, Element rpc) {
        return switch (name) {
            case "command" -> Optional.of(command(rpc));
            case "get-software-information" -> Optional.of(RpcReply.of(facts.softwareInformation()));
            case "get-route-engine-information" -> Optional.of(RpcReply.of(facts.routeEngineInformation()));
            case "get-interface-information" -> Optional.of(RpcReply.of(facts.interfaceInformation()));
            case "get-chassis-inventory" -> Optional.of(RpcReply.of(facts.chassisInventory()));
            case "get-system-memory-information" -> Optional.of(host(HostResources::memory));
            case "get-system-storage" -> Optional.of(host(HostResources::storage));
            case "get-virtual-chassis-information" -> Optional.of(RpcReply.error(RpcError.application(
                    "operation-not-supported", "virtual chassis is not supported on this platform")));
            default -> {
                String command = COMMANDS.get(name);
                yield command == null ? Optional.empty() : Optional.of(run(command + arguments(rpc), format(rpc)));
            }
        };
    }

    private interface HostRead {
        String read() throws IOException;
    }

    private static RpcReply host(HostRead read) {
        try {
            return RpcReply.of(read.read());
        } catch (IOException e) {
            return RpcReply.error(RpcError.application("operation-failed", "cannot read the host's figures: " + e.getMessage()));
        }
    }

    private RpcReply command(Element rpc) {
        String line = rpc.getTextContent().strip();
        String format = format(rpc);
        // The host's software version: answered like the RPC, honestly for this host.
        if (line.matches("show version( invoke-on all-routing-engines)?( \\| display xml)?")) {
            return format.equals("text") ? RpcReply.of("<output>\n" + SafeXml.escape(textVersion()) + "</output>\n")
                    : RpcReply.of(facts.softwareInformation());
        }
        int pipe = line.indexOf("| display ");
        if (pipe >= 0) {
            format = line.substring(pipe + "| display ".length()).strip();
            line = line.substring(0, pipe).strip();
        }
        return run(line, format);
    }

    private String textVersion() {
        return "Hostname: " + SafeXml.text(parse(facts.softwareInformation()), "host-name") + "\nModel: sallyport\n"
                + "Sallyport " + SystemFacts.version() + "\n";
    }

    private static Element parse(String xml) {
        try {
            return SafeXml.parse(xml).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("our own XML does not parse: " + e.getMessage(), e);
        }
    }

    private RpcReply run(String line, String format) {
        String suffix = switch (format) {
            case "text" -> "";
            case "json" -> " | display json";
            default -> " | display xml";
        };
        Reply r = shell.execute(line + suffix);
        if (r.failed()) {
            return RpcReply.error(new RpcError("protocol", "operation-failed", "error", null, null,
                    r.text().strip()));
        }
        return switch (format) {
            case "text" -> RpcReply.of("<output>\n" + SafeXml.escape(r.text()) + "</output>\n");
            case "json" -> RpcReply.of(SafeXml.escape(r.text()));
            default -> RpcReply.of(inner(r.text()));
        };
    }

    /** The body of the {@code <rpc-reply>} that {@code | display xml} wraps its elements in. */
    private static String inner(String xml) {
        int start = xml.indexOf("<rpc-reply");
        int end = xml.lastIndexOf("</rpc-reply>");
        if (start < 0 || end < 0) return xml;
        return xml.substring(xml.indexOf('>', start) + 1, end);
    }

    private static String arguments(Element rpc) {
        List<String> words = new ArrayList<>();
        for (Element a : SafeXml.children(rpc)) {
            String name = SafeXml.name(a);
            String value = a.getTextContent().strip();
            if (value.isEmpty()) {
                words.add(name);
            } else if (NAMED_ARGUMENTS.contains(name)) {
                words.add(name);
                words.add(value);
            } else {
                words.add(value);
            }
        }
        return words.isEmpty() ? "" : " " + String.join(" ", words);
    }

    private static String format(Element rpc) {
        String f = rpc.getAttribute("format");
        return f.isEmpty() ? "xml" : f;
    }
}
