package io.sallyport.gateway.routing;

import java.util.List;

/**
 * What FRR is to run for a committed configuration: zebra's and ospfd's configuration files, and
 * a commit warning for each OSPF statement that could not be mapped (named by its statement path).
 */
public record FrrConfig(String zebra, String ospfd, List<String> warnings) {
    public FrrConfig { warnings = List.copyOf(warnings); }
}
