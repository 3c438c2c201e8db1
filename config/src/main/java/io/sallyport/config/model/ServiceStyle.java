package io.sallyport.config.model;

/** How traffic is steered into a service set. */
public sealed interface ServiceStyle {

    /** {@code interface-service service-interface IF}: applied with {@code family inet service}. */
    record InterfaceStyle(String serviceInterface) implements ServiceStyle {}

    /** {@code next-hop-service}: routes into the inside unit; the outside unit carries ESP. */
    record NextHopStyle(String insideServiceInterface, String outsideServiceInterface) implements ServiceStyle {}

    /** Neither style configured (the commit checks reject this for IPsec service sets). */
    record Unbound() implements ServiceStyle {}
}
