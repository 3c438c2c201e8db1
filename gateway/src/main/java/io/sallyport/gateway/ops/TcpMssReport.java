package io.sallyport.gateway.ops;

import java.util.List;

/**
 * {@code show services service-sets statistics tcp-mss}: per service set, the TCP SYNs its
 * {@code tcp-mss} saw and those whose MSS it lowered, both directions of every tunnel summed. The
 * columns are Junos's (Interface, Service Set, SYN Received, SYN Modified); the XML element names
 * are Sallyport's, since the reference gives none for this command.
 */
public final class TcpMssReport {

    private TcpMssReport() {
    }

    /** One service set: its services interface (the PIC), its name and its counts. */
    public record Row(String interfaceName, String serviceSet, long synReceived, long synModified) {
    }

    public static String text(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format("%-14s%-24s%14s%14s%n",
                "Interface", "Service Set", "SYN Received", "SYN Modified"));
        for (Row r : rows) {
            out.append(String.format("%-14s%-24s%14d%14d%n", r.interfaceName(), r.serviceSet(), r.synReceived(),
                    r.synModified()));
        }
        return out.toString();
    }

    public static Element element(List<Row> rows) {
        Element.Builder root = Element.builder("service-set-tcp-mss-statistics-information");
        for (Row r : rows) {
            root.add(Element.builder("service-set-tcp-mss-statistics").leaf("interface-name", r.interfaceName())
                    .leaf("service-set-name", r.serviceSet()).leaf("syn-received", r.synReceived())
                    .leaf("syn-modified", r.synModified()).build());
        }
        return root.build();
    }
}
