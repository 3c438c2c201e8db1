package io.sallyport.ike;

/** Junos traceoptions levels, most severe first. */
public enum TraceLevel { ERROR, WARNING, NOTICE, INFO, VERBOSE }
