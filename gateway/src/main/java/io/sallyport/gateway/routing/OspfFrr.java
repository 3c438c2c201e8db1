package io.sallyport.gateway.routing;

import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.Ospf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps {@code protocols ospf} to FRR (zebra + ospfd) configuration text. Pure.
 *
 * <p>{@code interface IF} becomes {@code ip ospf area A ADDRESS} on IF's Linux device for each of
 * the unit's addresses (only the unit's own addresses run OSPF, as on Junos), or {@code ip ospf
 * area A} for a unit without addresses (a host device whose addresses come from elsewhere). An
 * unnumbered inside service unit runs OSPF on the router's address its TUN device borrows
 * ({@code lo0.0}'s, as Junos borrows it), as an unnumbered point-to-point network; without an
 * address to borrow it draws a warning.
 * {@code interface-type p2p|p2mp}, {@code metric}, {@code hello-interval}, {@code dead-interval}
 * and {@code priority} become their {@code ip ospf} commands, {@code passive} a
 * {@code passive-interface}, {@code area A stub} and {@code routing-options router-id} their
 * {@code router ospf} commands, {@code reference-bandwidth} {@code auto-cost reference-bandwidth}
 * (whole Mbit/s). Default costs are Junos's formula (reference bandwidth over the interface's,
 * at least 1; reference 100 Mbit/s unless configured), but the bandwidth is the Linux device's speed.
 */
public final class OspfFrr {

    private OspfFrr() {}

    /** FRR's configuration for {@code config}, or empty when it has no {@code protocols ospf}. */
    public static Optional<FrrConfig> map(Configuration config, UnitDevices devices) {
        if (config.ospf().isEmpty()) return Optional.empty();
        Ospf ospf = config.ospf().get();
        String hostname = config.hostName().orElse("sallyport");
        List<String> warnings = new ArrayList<>();
        Map<String, List<String>> interfaces = new LinkedHashMap<>();
        List<String> passive = new ArrayList<>();
        Map<String, String> units = new LinkedHashMap<>();
        List<String> stubs = new ArrayList<>();
        for (Ospf.Area area : ospf.areas()) {
            if (area.stub()) stubs.add(area.id());
            for (Ospf.OspfInterface i : area.interfaces()) {
                Optional<String> interfaceType = i.interfaceType().flatMap(OspfFrr::networkType);
                if (i.interfaceType().isPresent() && interfaceType.isEmpty()) continue; // warned at commit
                Optional<String> device = devices.device(i.unit());
                if (device.isEmpty()) {
                    warnings.add("protocols ospf area " + area.id() + " interface " + i.name()
                        + ": no host device carries this unit's addresses; OSPF does not run on it");
                    continue;
                }
                units.putIfAbsent(device.get(), i.unit());
                List<String> lines = interfaces.computeIfAbsent(device.get(), d -> new ArrayList<>());
                List<String> addresses = devices.ospfAddresses(i.unit());
                if (addresses.isEmpty()) {
                    lines.add("ip ospf area " + area.id());
                    if (devices.inside(i.unit())) {
                        warnings.add("protocols ospf area " + area.id() + " interface " + i.name()
                            + ": the unit has no family inet address and lo0.0 has none to borrow, and FRR runs"
                            + " OSPF only where the device has one; OSPF does not cross this tunnel until the unit"
                            + " or lo0.0 has an address");
                    }
                } else {
                    addresses.forEach(a -> lines.add("ip ospf area " + area.id() + " " + a));
                }
                // FRR runs a /32 borrowed from lo as unnumbered on a point-to-point network only.
                interfaceType.or(() -> devices.borrowsAddress(i.unit()) ? Optional.of("point-to-point") : Optional.empty())
                    .ifPresent(t -> lines.add("ip ospf network " + t));
                i.metric().ifPresent(m -> lines.add("ip ospf cost " + m));
                i.helloInterval().ifPresent(h -> lines.add("ip ospf hello-interval " + h));
                i.deadInterval().ifPresent(d -> lines.add("ip ospf dead-interval " + d));
                i.priority().ifPresent(p -> lines.add("ip ospf priority " + p));
                if (i.passive()) passive.add(device.get());
            }
        }
        StringBuilder ospfd = new StringBuilder(header(hostname));
        interfaces.forEach((device, lines) -> {
            ospfd.append("interface ").append(device).append('\n');
            lines.forEach(l -> ospfd.append(' ').append(l).append('\n'));
            ospfd.append("exit\n!\n");
        });
        ospfd.append("router ospf\n");
        config.routingOptions().routerId().ifPresent(id -> ospfd.append(" ospf router-id ").append(id).append('\n'));
        ospf.referenceBandwidth().ifPresent(bps -> ospfd.append(" auto-cost reference-bandwidth ")
            .append(referenceMbps(bps, warnings)).append('\n'));
        passive.forEach(d -> ospfd.append(" passive-interface ").append(d).append('\n'));
        stubs.forEach(a -> ospfd.append(" area ").append(a).append(" stub\n"));
        ospfd.append("exit\n!\n");
        return Optional.of(new FrrConfig(header(hostname), ospfd.toString(), warnings, units));
    }

    /** FRR takes the reference bandwidth in whole Mbit/s from 1; a Junos value between is rounded, with a warning. */
    private static long referenceMbps(long bps, List<String> warnings) {
        long mbps = Math.max(1, Math.round(bps / 1e6));
        if (mbps * 1_000_000L != bps) {
            warnings.add("protocols ospf reference-bandwidth " + bps + ": FRR takes whole Mbit/s, so OSPF uses "
                + mbps + " Mbit/s (" + mbps * 1_000_000L + " bits per second)");
        }
        return mbps;
    }

    private static String header(String hostname) {
        return "hostname " + hostname + "\n!\n";
    }

    /** FRR's network type for a Junos interface-type it can run; commit warns about the rest. */
    private static Optional<String> networkType(String junos) {
        return switch (junos) {
            case "p2p" -> Optional.of("point-to-point");
            case "p2mp" -> Optional.of("point-to-multipoint");
            default -> Optional.empty();
        };
    }
}
