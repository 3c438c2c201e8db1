package io.sallyport.gateway.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code -Dsallyport.data.device-workers} and {@code -Dsallyport.data.inbound-workers}: one reading for both. */
class WorkerCountSettingTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {LinuxGatewayHost.DEVICE_WORKERS_PROPERTY, LinuxGatewayHost.INBOUND_WORKERS_PROPERTY})
    @DisplayName("unset: the available processors, at most 8; else 1..8 as given")
    void takesTheValueOrTheProcessors(String property) {
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 8), LinuxGatewayHost.workerCount(property, null, 8));
        assertEquals(1, LinuxGatewayHost.workerCount(property, "1", 8));
        assertEquals(3, LinuxGatewayHost.workerCount(property, " 3 ", 8));
        assertEquals(8, LinuxGatewayHost.workerCount(property, "8", 8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"two", "", "0", "-1", "9", "64", "2.5"})
    @DisplayName("a value outside 1..8, or not a number, refuses the start and names the setting")
    void refusesAValueItCannotTake(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinuxGatewayHost.workerCount(LinuxGatewayHost.DEVICE_WORKERS_PROPERTY, value, 8));
        assertEquals("-Dsallyport.data.device-workers must be a number from 1 to 8: " + value, e.getMessage());
    }
}
