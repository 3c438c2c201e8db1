package io.sallyport.gateway.ops;

import java.util.List;

/** {@code show services ipsec-vpn ike statistics} (reference §4.3). */
public final class IkeStatisticsReport {

    private IkeStatisticsReport() {
    }

    public static String text(List<IkeSaView> sas) {
        StringBuilder out = new StringBuilder();
        for (IkeSaView sa : sas) {
            IkeSaView.Payloads p = sa.payloads();
            out.append("IKE peer ").append(sa.remoteAddress()).append('\n');
            out.append("  Initiator cookie: ").append(IkeSecurityAssociationsReport.cookie(sa.initiatorSpi()))
                    .append(", Responder cookie: ").append(IkeSecurityAssociationsReport.cookie(sa.responderSpi())).append('\n');
            out.append("  Local: ").append(sa.localAddress()).append(':').append(sa.localPort())
                    .append(", Remote: ").append(sa.remoteAddress()).append(':').append(sa.remotePort()).append('\n');
            out.append("  IPSec security associations: ").append(sa.ipsecSasCreated()).append(" created, ")
                    .append(sa.ipsecSasDeleted()).append(" deleted, ").append(sa.ipsecRekeys()).append(" rekeys\n");
            out.append("  Exchange type: ").append(sa.exchangeType()).append('\n');
            IkeSecurityAssociationsReport.appendTraffic(sa.traffic(), out);
            out.append("  Payload statistics:\n");
            row(out, "Delete payloads received:", p.deleteReceived());
            row(out, "Delete payloads sent:", p.deleteSent());
            row(out, "DPD request payloads received:", p.dpdRequestReceived());
            row(out, "DPD request payloads sent:", p.dpdRequestSent());
            row(out, "DPD response payloads received:", p.dpdResponseReceived());
            row(out, "DPD response payloads sent:", p.dpdResponseSent());
            row(out, "DPD response payloads missed:", p.dpdResponseMissed());
            row(out, "DPD response maximum delay:", p.dpdResponseMaxDelay());
            row(out, "Invalid SPI notifications received:", p.invalidSpiReceived());
            row(out, "Invalid SPI notifications sent:", p.invalidSpiSent());
            if (!p.exchanges().isEmpty()) {
                // Not in the Junos layout: messages per exchange type (both IKE versions), which Junos keeps in its traces.
                out.append("  Exchange statistics:\n");
                for (IkeSaView.Exchange e : p.exchanges()) {
                    out.append(String.format("   %-14s received: %6d, sent: %6d, failed: %4d%n", e.type(), e.received(), e.sent(), e.failed()));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String label, long value) {
        out.append(String.format("   %-36s%4d%n", label, value));
    }

    public static Element element(List<IkeSaView> sas) {
        Element.Builder root = Element.builder("ike-security-associations-information");
        for (IkeSaView sa : sas) {
            IkeSaView.Payloads p = sa.payloads();
            root.add(Element.builder("ike-security-associations-block")
                    .leaf("ike-sa-remote-address", sa.remoteAddress())
                    .add(Element.builder("ike-security-associations")
                            .leaf("ike-sa-initiator-cookie", IkeSecurityAssociationsReport.cookie(sa.initiatorSpi()))
                            .leaf("ike-sa-responder-cookie", IkeSecurityAssociationsReport.cookie(sa.responderSpi()))
                            .leaf("ike-sa-local-address", sa.localAddress())
                            .leaf("ike-sa-exchange-type", sa.exchangeType())
                            .leaf("ike-sa-num-ipsec-sas-created", sa.ipsecSasCreated())
                            .leaf("ike-sa-num-ipsec-sas-deleted", sa.ipsecSasDeleted())
                            .leaf("ike-sa-num-ipsec-rekeys", sa.ipsecRekeys())
                            .leaf("ike-sa-input-bytes", sa.traffic().inputBytes())
                            .leaf("ike-sa-output-bytes", sa.traffic().outputBytes())
                            .leaf("ike-sa-input-packets", sa.traffic().inputPackets())
                            .leaf("ike-sa-output-packets", sa.traffic().outputPackets())
                            .leaf("ike-sa-delete-payloads-received", p.deleteReceived())
                            .leaf("ike-sa-delete-payloads-sent", p.deleteSent())
                            .leaf("ike-sa-dpd-request-payloads-received", p.dpdRequestReceived())
                            .leaf("ike-sa-dpd-request-payloads-sent", p.dpdRequestSent())
                            .leaf("ike-sa-dpd-response-payloads-received", p.dpdResponseReceived())
                            .leaf("ike-sa-dpd-response-payloads-sent", p.dpdResponseSent())
                            .leaf("ike-sa-dpd-response-payloads-missed", p.dpdResponseMissed())
                            .leaf("ike-sa-dpd-response-payloads-maximum-delay", p.dpdResponseMaxDelay())
                            .leaf("ike-sa-invalid-spi-notifications-received", p.invalidSpiReceived())
                            .leaf("ike-sa-invalid-spi-notifications-sent", p.invalidSpiSent())
                            .addAll(p.exchanges().stream().map(e -> Element.builder("ike-sa-exchange-statistics")
                                    .leaf("ike-sa-exchange-type", e.type())
                                    .leaf("ike-sa-exchange-messages-received", e.received())
                                    .leaf("ike-sa-exchange-messages-sent", e.sent())
                                    .leaf("ike-sa-exchange-failures", e.failed())
                                    .build()).toList())
                            .build())
                    .build());
        }
        return root.build();
    }
}
