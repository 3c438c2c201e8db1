package io.sallyport.gateway.runtime;

/**
 * The {@code tcp-mss} counts of Junos's {@code show services service-sets statistics tcp-mss}:
 * TCP SYNs (and SYN-ACKs) with an MSS option seen, and those whose MSS was lowered.
 */
public record TcpMssCounts(long synReceived, long synModified) {
    public static final TcpMssCounts ZERO = new TcpMssCounts(0, 0);

    public TcpMssCounts plus(TcpMssCounts b) {
        return new TcpMssCounts(synReceived + b.synReceived, synModified + b.synModified);
    }
}
