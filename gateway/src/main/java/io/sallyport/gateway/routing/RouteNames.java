package io.sallyport.gateway.routing;

import java.util.Map;
import java.util.Set;

/**
 * What {@code show route} needs from the last applied configuration to read the kernel's main
 * table in Junos's terms.
 *
 * @param unitOfDevice     the Junos unit each Linux device carries ({@code ms-0_0_0.1} → {@code ms-0/0/0.1})
 * @param instanceDevices  devices of VRF routing instances (their routes belong to {@code NAME.inet.0})
 * @param tunnelDevices    the service sets' TUN devices (a route into one is Sallyport's)
 * @param staticPrefixes   the prefixes of {@code routing-options static route}
 */
public record RouteNames(Map<String, String> unitOfDevice, Set<String> instanceDevices, Set<String> tunnelDevices,
                         Set<String> staticPrefixes) {

    public static final RouteNames NONE = new RouteNames(Map.of(), Set.of(), Set.of(), Set.of());

    public RouteNames {
        unitOfDevice = Map.copyOf(unitOfDevice);
        instanceDevices = Set.copyOf(instanceDevices);
        tunnelDevices = Set.copyOf(tunnelDevices);
        staticPrefixes = Set.copyOf(staticPrefixes);
    }

    /** The Junos unit a device carries, {@code lo0.0} for {@code lo}, else the device's own name. */
    public String junos(String device) {
        String unit = unitOfDevice.get(device);
        if (unit != null) {
            return unit;
        }
        return device.equals("lo") ? "lo0.0" : device;
    }
}
