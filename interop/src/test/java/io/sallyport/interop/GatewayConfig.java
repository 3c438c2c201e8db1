package io.sallyport.interop;

/**
 * A Junos configuration for one Sallyport gateway of the harness topology, rendered from one
 * template. Defaults: gw-a of the direct topology, next-hop service set, IKEv2 PSK with the
 * harness's ikev2-psk proposals (aes-256-cbc/sha-256/group14, ESP aes-128-gcm with PFS group14).
 */
public record GatewayConfig(String hostName, String wanAddress, String lanAddress, String localGateway,
                            String remoteGateway, String localNet, String remoteNet, Style style, String establish,
                            boolean dpd, Integer udpEncapsulatePort, Integer natKeepalive, boolean manual) {

    public enum Style { NEXT_HOP, INTERFACE }

    public static final String PSK = "interop-psk-0123456789abcdef";
    /** Manual SA keys (test-only): AES-128 key and HMAC-SHA1 key. */
    static final String MANUAL_ENC_KEY = "0x00112233445566778899aabbccddeeff";
    static final String MANUAL_AUTH_KEY = "0x0123456789abcdef0123456789abcdef01234567";

    public static GatewayConfig gwA() {
        return new GatewayConfig("gw-a", "192.0.2.1/24", "198.18.1.1/24", "192.0.2.1", "192.0.2.2",
            "198.18.1.0/24", "198.18.2.0/24", Style.NEXT_HOP, "immediately", false, null, null, false);
    }

    /** gw-b played by Sallyport (Sallyport <-> Sallyport runs). */
    public static GatewayConfig gwB() {
        return new GatewayConfig("gw-b", "192.0.2.2/24", "198.18.2.1/24", "192.0.2.2", "192.0.2.1",
            "198.18.2.0/24", "198.18.1.0/24", Style.NEXT_HOP, "responder-only", false, null, null, false);
    }

    /** gw-a of the nat topology: its outside address is private, behind the NAT box. */
    public static GatewayConfig gwABehindNat() {
        return gwA().withWan("198.51.100.2/24", "198.51.100.2");
    }

    public GatewayConfig withWan(String address, String gateway) {
        return new GatewayConfig(hostName, address, lanAddress, gateway, remoteGateway, localNet, remoteNet, style,
            establish, dpd, udpEncapsulatePort, natKeepalive, manual);
    }

    public GatewayConfig withStyle(Style s) {
        return new GatewayConfig(hostName, wanAddress, lanAddress, localGateway, remoteGateway, localNet, remoteNet, s,
            establish, dpd, udpEncapsulatePort, natKeepalive, manual);
    }

    public GatewayConfig withEstablish(String e) {
        return new GatewayConfig(hostName, wanAddress, lanAddress, localGateway, remoteGateway, localNet, remoteNet,
            style, e, dpd, udpEncapsulatePort, natKeepalive, manual);
    }

    public GatewayConfig withDpd() {
        return new GatewayConfig(hostName, wanAddress, lanAddress, localGateway, remoteGateway, localNet, remoteNet,
            style, establish, true, udpEncapsulatePort, natKeepalive, manual);
    }

    public GatewayConfig withUdpEncapsulate(int port) {
        return new GatewayConfig(hostName, wanAddress, lanAddress, localGateway, remoteGateway, localNet, remoteNet,
            style, establish, dpd, port, natKeepalive, manual);
    }

    public GatewayConfig withNatKeepalive(int seconds) {
        return new GatewayConfig(hostName, wanAddress, lanAddress, localGateway, remoteGateway, localNet, remoteNet,
            style, establish, dpd, udpEncapsulatePort, seconds, manual);
    }

    public GatewayConfig withManualSa() {
        return new GatewayConfig(hostName, wanAddress, lanAddress, localGateway, remoteGateway, localNet, remoteNet,
            style, establish, dpd, udpEncapsulatePort, natKeepalive, true);
    }

    public String render() {
        boolean nextHop = style == Style.NEXT_HOP;
        String lanServices = nextHop ? ""
            : "service { input { service-set ss1; } output { service-set ss1; } } ";
        String msUnits = nextHop
            ? """
                unit 1 { family inet; service-domain inside; }
                        unit 2 { family inet; service-domain outside; }"""
            : "";
        String routing = nextHop
            ? "routing-options { static { route " + remoteNet + " next-hop ms-0/0/0.1; } }\n" : "";
        String styleBlock = nextHop
            ? "next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }"
            : "interface-service { service-interface ms-0/0/0; }";
        String options = "local-gateway " + localGateway + ";"
            + (udpEncapsulatePort == null ? "" : " udp-encapsulate { dest-port " + udpEncapsulatePort + "; }")
            + (natKeepalive == null ? "" : " nat-keepalive " + natKeepalive + ";");
        String sa = manual
            ? "manual { direction bidirectional { protocol esp; spi 1000; "
                + "authentication { algorithm hmac-sha1-96; key hexadecimal " + MANUAL_AUTH_KEY + "; } "
                + "encryption { algorithm aes-128-cbc; key hexadecimal " + MANUAL_ENC_KEY + "; } } }"
            : "dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; }";
        String dpdBlock = dpd ? " initiate-dead-peer-detection; dead-peer-detection { interval 2; threshold 3; }" : "";
        String localId = localGateway;
        String keying = manual ? "" : """
                    ike {
                        proposal ike-prop { authentication-method pre-shared-keys; dh-group group14; authentication-algorithm sha-256; encryption-algorithm aes-256-cbc; lifetime-seconds 14400; }
                        policy ike-pol { version 2; proposals ike-prop; local-id ipv4_addr %s; remote-id ipv4_addr %s; pre-shared-key ascii-text "%s"; }
                    }
                    ipsec {
                        proposal esp-prop { protocol esp; encryption-algorithm aes-128-gcm; lifetime-seconds 3600; }
                        policy ipsec-pol { perfect-forward-secrecy { keys group14; } proposals esp-prop; }
                    }
                    establish-tunnels %s;
            """.formatted(localId, remoteGateway, PSK, establish);
        return """
            system { host-name %s; }
            interfaces {
                ge-0/0/0 { unit 0 { family inet { address %s; } } }
                ge-0/0/1 { unit 0 { family inet { %saddress %s; } } }
                ms-0/0/0 {
                    unit 0 { family inet; }
                    %s
                }
            }
            %sservices {
                service-set ss1 {
                    %s
                    ipsec-vpn-options { %s }
                    ipsec-vpn-rules r1;
                }
                ipsec-vpn {
                    rule r1 {
                        term t1 {
                            from { source-address { %s; } destination-address { %s; } }
                            then { remote-gateway %s; %s%s }
                        }
                        match-direction input;
                    }
            %s    }
            }
            """.formatted(hostName, wanAddress, lanServices, lanAddress, msUnits, routing, styleBlock, options,
            localNet, remoteNet, remoteGateway, sa, dpdBlock, keying);
    }
}
