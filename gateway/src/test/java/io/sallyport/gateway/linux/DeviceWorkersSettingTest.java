package io.sallyport.gateway.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code -Dsallyport.data.device-workers}: the read queues and workers per inside device. */
class DeviceWorkersSettingTest {

    @Test
    @DisplayName("the setting's value within 1..8; unset or not a number: the available processors within 1..8")
    void clampsAndDefaultsToProcessors() {
        int processors = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, LinuxGatewayHost.MAX_DEVICE_WORKERS);
        assertEquals(processors, LinuxGatewayHost.deviceWorkers(null));
        assertEquals(processors, LinuxGatewayHost.deviceWorkers("two"));
        assertEquals(1, LinuxGatewayHost.deviceWorkers("1"));
        assertEquals(3, LinuxGatewayHost.deviceWorkers(" 3 "));
        assertEquals(1, LinuxGatewayHost.deviceWorkers("0"));
        assertEquals(LinuxGatewayHost.MAX_DEVICE_WORKERS, LinuxGatewayHost.deviceWorkers("64"));
    }
}
