package io.sallyport.pki;

import java.net.InetAddress;

/** One subjectAltName entry of a certificate request: domain-name, ip-address or email. */
public sealed interface SubjectAltName {

    record DnsName(String name) implements SubjectAltName { }

    record IpAddress(InetAddress address) implements SubjectAltName { }

    record Email(String address) implements SubjectAltName { }
}
