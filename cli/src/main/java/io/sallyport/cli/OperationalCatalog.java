package io.sallyport.cli;

import io.sallyport.gateway.mgmt.OperationalCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operational-mode command words, for {@code ?} help and TAB completion: the daemon's commands
 * ({@link OperationalCommand#COMMANDS}) plus the shell's own ({@code configure}, {@code exit}).
 * A command pattern is a list of words: fixed keywords, {@code [a|b]} optional keywords,
 * and UPPER-CASE placeholders for values.
 */
final class OperationalCatalog {

    /** Shell-local commands, handled without the daemon. */
    static final List<String> LOCAL = List.of("configure [exclusive|private]", "exit", "help [reference|topic]", "quit", "show system commit",
            "show system rollback NUMBER [compare]", "show version", "show log [FILE]", "file list [DIRECTORY]", "file show FILE",
            "monitor start FILE", "monitor stop [FILE]", "monitor list", "ping HOST [count] [size] [source] [ttl] [interval]",
            "traceroute HOST [source] [ttl]");

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("show", "Show system information"),
            Map.entry("clear", "Clear information in the system"),
            Map.entry("configure", "Manipulate software configuration information"),
            Map.entry("exclusive", "Obtain exclusive lock (other users cannot make changes)"),
            Map.entry("private", "Work in private database (other users cannot see changes)"),
            Map.entry("exit", "Exit the management session"),
            Map.entry("help", "List the commands of this mode"),
            Map.entry("quit", "Exit the management session"),
            Map.entry("configuration", "Show current configuration"),
            Map.entry("system", "Show system information"),
            Map.entry("commit", "Show pending commit and commit history"),
            Map.entry("rollback", "Show rolled back configuration"),
            Map.entry("version", "Show software process revision levels"),
            Map.entry("log", "Show contents of log file"),
            Map.entry("FILE", "Name of log file"),
            Map.entry("DIRECTORY", "Directory to list (the log directory)"),
            Map.entry("file", "Perform file operations"),
            Map.entry("list", "List file information"),
            Map.entry("monitor", "Show real-time debugging information"),
            Map.entry("start", "Start showing log file in real time"),
            Map.entry("stop", "Stop showing log file in real time"),
            Map.entry("ping", "Ping remote target"),
            Map.entry("traceroute", "Trace route to remote host"),
            Map.entry("HOST", "Hostname or address of remote host"),
            Map.entry("count", "Number of ping requests to send (1..100, default 5)"),
            Map.entry("source", "Source address"),
            Map.entry("ttl", "IP time-to-live value (hops for traceroute)"),
            Map.entry("interval", "Delay between ping requests (seconds)"),
            Map.entry("topic", "Help on a topic"),
            Map.entry("reference", "Summary of a configuration statement and what it holds"),
            Map.entry("NUMBER", "Rollback index (0..49)"),
            Map.entry("compare", "Compare with another rollback configuration (then its index)"),
            Map.entry("services", "Show services information"),
            Map.entry("ipsec-vpn", "IPSec VPN service information"),
            Map.entry("ike", "Internet Key Exchange information"),
            Map.entry("ipsec", "IP Security information"),
            Map.entry("security-associations", "Show security associations"),
            Map.entry("statistics", "Show statistics"),
            Map.entry("service-sets", "Show service sets and the state of their tunnels"),
            Map.entry("tcp-mss", "Show TCP maximum segment size statistics"),
            Map.entry("INTERFACE", "Name of services interface (ms-fpc/pic/port) or unit"),
            Map.entry("brief", "Display brief output (default)"),
            Map.entry("detail", "Display detailed output"),
            Map.entry("extensive", "Display extensive output"),
            Map.entry("hex", "Display SPI values in hexadecimal"),
            Map.entry("service-set", "Name of service set"),
            Map.entry("remote-gw", "Address of remote gateway"),
            Map.entry("remote-gateway", "Address of remote gateway"),
            Map.entry("request", "Make system-level requests"),
            Map.entry("security", "Security information and requests"),
            Map.entry("pki", "Public-key infrastructure"),
            Map.entry("ca-certificate", "CA certificates"),
            Map.entry("local-certificate", "Local certificates"),
            Map.entry("certificate-request", "Certificate requests"),
            Map.entry("key-pair", "Key pairs"),
            Map.entry("crl", "Certificate revocation lists"),
            Map.entry("ca-profile", "Name of CA profile"),
            Map.entry("certificate-id", "Certificate identifier (key pair name)"),
            Map.entry("generate-key-pair", "Generate a public/private key pair"),
            Map.entry("generate-certificate-request", "Generate a PKCS#10 certificate request"),
            Map.entry("load", "Load from a file"),
            Map.entry("size", "Key size in bits (RSA 1024..4096, ECDSA 256 or 384)"),
            Map.entry("type", "Key type (rsa or ecdsa)"),
            Map.entry("subject", "Distinguished name, e.g. \"CN=router2.example.com,O=Example\""),
            Map.entry("domain-name", "Fully qualified domain name (subjectAltName)"),
            Map.entry("ip-address", "IP address (subjectAltName)"),
            Map.entry("email", "E-mail address (subjectAltName)"),
            Map.entry("filename", "File name"),
            Map.entry("digest", "Digest of the request signature (sha-1, sha-256, sha-384)"),
            Map.entry("key", "Private key file"),
            Map.entry("passphrase", "Passphrase of the key or PKCS#12 file (never stored)"),
            Map.entry("drops", "Show drop counters no other command shows (Sallyport)"),
            Map.entry("peer-address", "Address of IKE peer"),
            Map.entry("routing-instance", "Name of routing instance"),
            Map.entry("tunnel-index", "Index of tunnel within its service set"),
            Map.entry("ospf", "Show OSPF information"),
            Map.entry("neighbor", "Show neighbor information"),
            Map.entry("interface", "Show interface information"),
            Map.entry("route", "Show routing table information"),
            Map.entry("protocol", "Name of protocol (direct, local, static, ospf)"),
            Map.entry("table", "Name of routing table (inet.0, NAME.inet.0)"),
            Map.entry("PROTOCOL", "direct, local, static or ospf"),
            Map.entry("TABLE", "inet.0 (the main table) or NAME.inet.0 (a routing instance's)"));

    /** Help for a word that means something else in another command, keyed by the command's first word. */
    private static final Map<String, String> HELP_IN = Map.of(
            "ping size", "Size of request packets (bytes)",
            "monitor list", "Show the log files being monitored");

    private static String help(List<String> pattern, String word) {
        return HELP_IN.getOrDefault(pattern.getFirst() + " " + word, HELP.getOrDefault(word, ""));
    }

    private final List<List<String>> patterns;

    OperationalCatalog() {
        List<List<String>> all = new ArrayList<>();
        for (String c : OperationalCommand.COMMANDS) all.add(List.of(c.split(" ")));
        for (String c : LOCAL) all.add(List.of(c.split(" ")));
        this.patterns = List.copyOf(all);
    }

    /**
     * The words that may follow {@code typed}: fixed keywords of every pattern whose fixed prefix
     * matches, then the options and placeholders allowed once the fixed part is complete.
     */
    List<HelpLine> next(List<String> typed) {
        Map<String, HelpLine> out = new LinkedHashMap<>();
        for (List<String> p : patterns) {
            int fixed = fixedLength(p);
            if (typed.size() < fixed) {
                if (p.subList(0, typed.size()).equals(typed)) {
                    String w = p.get(typed.size());
                    out.putIfAbsent(w, new HelpLine(w, help(p, w)));
                }
            } else if (p.subList(0, fixed).equals(typed.subList(0, fixed))) {
                for (String opt : p.subList(fixed, p.size())) {
                    for (String alt : opt.replace("[", "").replace("]", "").split("\\|")) {
                        if (typed.subList(fixed, typed.size()).contains(alt)) continue;
                        String word = alt.equals(alt.toUpperCase(java.util.Locale.ROOT)) ? "<" + alt.toLowerCase(java.util.Locale.ROOT) + ">" : alt;
                        out.putIfAbsent(word, new HelpLine(word, help(p, alt)));
                    }
                }
            }
        }
        List<HelpLine> sorted = new ArrayList<>(out.values());
        sorted.sort((a, b) -> a.word().compareTo(b.word()));
        return sorted;
    }

    private static int fixedLength(List<String> pattern) {
        int n = 0;
        while (n < pattern.size() && !pattern.get(n).startsWith("[")
                && !pattern.get(n).equals(pattern.get(n).toUpperCase(java.util.Locale.ROOT))) {
            n++;
        }
        return n;
    }
}
