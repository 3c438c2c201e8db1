package io.sallyport.gateway.routing;

import java.util.List;
import java.util.Map;

/**
 * What FRR is to run for a committed configuration: zebra's and ospfd's configuration files, a
 * commit warning for each OSPF statement that could not be mapped (named by its statement path),
 * and the Junos unit of each Linux device OSPF runs on (for the show commands).
 */
public record FrrConfig(String zebra, String ospfd, List<String> warnings, Map<String, String> units) {
    public FrrConfig {
        warnings = List.copyOf(warnings);
        units = Map.copyOf(units);
    }

    /** The Junos unit a Linux device carries, or the device's own name when OSPF does not run on it. */
    public String junosName(String device) {
        return units.getOrDefault(device, device);
    }
}
