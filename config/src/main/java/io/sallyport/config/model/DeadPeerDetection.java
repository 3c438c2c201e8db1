package io.sallyport.config.model;

/** {@code dead-peer-detection interval/threshold}, defaults 10 s and 3 (reference §1.6). */
public record DeadPeerDetection(int intervalSeconds, int threshold) {
    public static final DeadPeerDetection DEFAULT = new DeadPeerDetection(10, 3);
}
