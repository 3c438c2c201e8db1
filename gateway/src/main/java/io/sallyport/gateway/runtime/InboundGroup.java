package io.sallyport.gateway.runtime;

import io.sallyport.net.SpiSteering;
import java.util.List;

/**
 * The inbound workers of one receiving address: one per socket of a UDP address's steered group
 * ({@link GatewayHost#openUdpSteered}), worker i owning the inbound SAs whose SPI the host steers
 * to socket i; or the one worker of raw ESP. The control agent installs each inbound SA on
 * {@link #owner}, so its replay window and counters stay with the worker that receives it.
 */
final class InboundGroup {
    private final List<InboundAgent> workers;

    /** {@code workers} in the order of their sockets in the group; joined into one before any runs. */
    InboundGroup(List<InboundAgent> workers) {
        this.workers = List.copyOf(workers);
        if (this.workers.size() > 1) {
            InboundAgent.formGroup(this.workers);
        }
    }

    static InboundGroup of(InboundAgent alone) {
        return new InboundGroup(List.of(alone));
    }

    /** The worker that receives ESP with this SPI. */
    InboundAgent owner(int spi) {
        return workers.get(SpiSteering.receiverOf(spi, workers.size()));
    }

    List<InboundAgent> workers() {
        return workers;
    }
}
