package io.sallyport.ike;

/** Junos {@code services ipsec-vpn traceoptions flag} values that kmd events are tagged with. */
public enum TraceFlag { IKE, POLICY_MANAGER, TIMER, DATABASE, GENERAL }
