package io.sallyport.gateway.runtime;

import io.sallyport.net.IpPrefix;
import io.sallyport.net.TunPort;
import java.util.List;

/**
 * The read queues of an inside device, each for a worker of its own, and the host's table that
 * sends what the host routes into the device to one of them by destination prefix (the longest
 * prefix holding the destination; none: queue 0). A host that offers one read queue
 * ({@link #single}) steers nothing. The control agent's thread.
 */
public interface DeviceQueues {

    /** Every read queue, the device's first queue (the one {@link GatewayHost#openTun} returned) first. */
    List<TunPort> queues();

    /**
     * Packets to {@code prefix} go to read queue {@code queue} from now on.
     *
     * @throws io.sallyport.net.HostNetworkException with the host's reason (its table is full, ...):
     *     they then go where a shorter prefix, or queue 0, says
     */
    void steer(IpPrefix prefix, int queue);

    /** Packets to {@code prefix} go where a shorter prefix, or queue 0, says. */
    void unsteer(IpPrefix prefix);

    /** One read queue: nothing to steer. */
    static DeviceQueues single(TunPort device) {
        return new DeviceQueues() {
            @Override
            public List<TunPort> queues() {
                return List.of(device);
            }

            @Override
            public void steer(IpPrefix prefix, int queue) {
            }

            @Override
            public void unsteer(IpPrefix prefix) {
            }
        };
    }
}
