package io.sallyport.net;

/**
 * Setting up or changing host networking failed: opening a TUN device, binding a socket, or an
 * {@code ip} command. The message says what was attempted and what the host answered, so it can
 * be shown to the operator as is. Never thrown on the per-packet path.
 */
public final class HostNetworkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HostNetworkException(final String message) {
        super(message);
    }

    public HostNetworkException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
