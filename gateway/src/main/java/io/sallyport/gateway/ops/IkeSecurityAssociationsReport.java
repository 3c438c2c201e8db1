package io.sallyport.gateway.ops;

import java.util.List;

/** {@code show services ipsec-vpn ike security-associations [brief|detail]} (reference §4.2). */
public final class IkeSecurityAssociationsReport {

    private IkeSecurityAssociationsReport() {
    }

    public static String brief(List<IkeSaView> sas) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-16s%-14s%-18s%-18s%s%n",
                "Remote Address", "State", "Initiator cookie", "Responder cookie", "Exchange type"));
        for (IkeSaView sa : sas) {
            out.append(String.format("%-16s%-14s%-18s%-18s%s%n", sa.remoteAddress(), sa.stateWord(),
                    cookie(sa.initiatorSpi()), cookie(sa.responderSpi()), sa.exchangeType()));
        }
        return out.toString();
    }

    public static String detail(List<IkeSaView> sas) {
        StringBuilder out = new StringBuilder();
        for (IkeSaView sa : sas) {
            out.append("IKE peer ").append(sa.remoteAddress()).append('\n');
            out.append("  Role: ").append(sa.initiator() ? "Initiator" : "Responder")
                    .append(", State: ").append(sa.stateWord()).append('\n');
            out.append("  Initiator cookie: ").append(cookie(sa.initiatorSpi()))
                    .append(", Responder cookie: ").append(cookie(sa.responderSpi())).append('\n');
            out.append("  Exchange type: ").append(sa.exchangeType())
                    .append(", Authentication method: ").append(sa.authenticationMethod()).append('\n');
            out.append("  Local gateway interface: ").append(sa.localGatewayInterface())
                    .append(", Routing instance: ").append(sa.routingInstance()).append('\n');
            out.append("  Local: ").append(sa.localAddress()).append(':').append(sa.localPort())
                    .append(", Remote: ").append(sa.remoteAddress()).append(':').append(sa.remotePort()).append('\n');
            out.append("  Lifetime: Expires in ").append(sa.expiresInSeconds()).append(" seconds\n");
            out.append("  Algorithms:\n");
            out.append("   Authentication        : ").append(sa.authenticationAlgorithm()).append('\n');
            out.append("   Encryption            : ").append(sa.encryptionAlgorithm()).append('\n');
            out.append("   Pseudo random function: ").append(sa.prfAlgorithm()).append('\n');
            out.append("   Diffie-Hellman group  : ").append(sa.dhGroup()).append('\n');
            appendTraffic(sa.traffic(), out);
            out.append("  Flags: ").append(sa.matured() ? "IKE SA created" : "IKE SA negotiation in progress").append('\n');
            out.append("  IPSec security associations: ").append(sa.ipsecSasCreated()).append(" created, ")
                    .append(sa.ipsecSasDeleted()).append(" deleted\n");
            out.append("  Phase 2 negotiations in progress: ").append(sa.phase2InProgress()).append('\n');
            out.append('\n');
        }
        return out.toString();
    }

    static void appendTraffic(IkeSaView.Traffic t, StringBuilder out) {
        out.append("  Traffic statistics:\n");
        out.append(String.format("   Input  bytes  : %20d%n", t.inputBytes()));
        out.append(String.format("   Output bytes  : %20d%n", t.outputBytes()));
        out.append(String.format("   Input  packets: %20d%n", t.inputPackets()));
        out.append(String.format("   Output packets: %20d%n", t.outputPackets()));
    }

    public static Element element(List<IkeSaView> sas) {
        Element.Builder root = Element.builder("ike-security-associations-information");
        for (IkeSaView sa : sas) {
            Element algorithms = Element.builder("ike-sa-algorithms")
                    .leaf("ike-sa-authentication-algorithm", sa.authenticationAlgorithm())
                    .leaf("ike-sa-encryption-algorithm", sa.encryptionAlgorithm())
                    .leaf("ike-sa-prf-algorithm", sa.prfAlgorithm())
                    .leaf("ike-sa-dhgroup", sa.dhGroup())
                    .build();
            Element traffic = Element.builder("ike-sa-traffic-statistics")
                    .leaf("ike-sa-input-bytes", sa.traffic().inputBytes())
                    .leaf("ike-sa-output-bytes", sa.traffic().outputBytes())
                    .leaf("ike-sa-input-packets", sa.traffic().inputPackets())
                    .leaf("ike-sa-output-packets", sa.traffic().outputPackets())
                    .build();
            Element misc = Element.builder("ike-sa-misc")
                    .leaf("ike-sa-flags", sa.matured() ? "IKE SA created" : "IKE SA negotiation in progress")
                    .leaf("ike-sa-num-ipsec-sas-created", sa.ipsecSasCreated())
                    .leaf("ike-sa-num-ipsec-sas-deleted", sa.ipsecSasDeleted())
                    .build();
            Element.Builder inner = Element.builder("ike-security-associations")
                    .leaf("ike-sa-remote-address", sa.remoteAddress())
                    .leaf("ike-sa-role", sa.initiator() ? "initiator" : "responder")
                    .leaf("ike-sa-state", sa.matured() ? "matured" : "not matured")
                    .leaf("ike-sa-initiator-cookie", cookie(sa.initiatorSpi()))
                    .leaf("ike-sa-responder-cookie", cookie(sa.responderSpi()))
                    .leaf("ike-sa-exchange-type", sa.exchangeType())
                    .leaf("ike-sa-authentication-method", sa.authenticationMethod())
                    .leaf("ike-sa-local-gateway-interface", sa.localGatewayInterface())
                    .leaf("ike-sa-routing-instance", sa.routingInstance())
                    .leaf("ike-sa-local-address", sa.localAddress())
                    .leaf("ike-sa-lifetime", "Expires in " + sa.expiresInSeconds() + " seconds")
                    .add(algorithms).add(traffic).add(misc);
            root.add(Element.builder("ike-security-associations-block")
                    .leaf("ike-sa-remote-address", sa.remoteAddress())
                    .add(inner.build())
                    .build());
        }
        return root.build();
    }

    static String cookie(long spi) {
        return String.format("%016x", spi);
    }
}
