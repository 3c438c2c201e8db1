package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The answers to the facts RPCs automation asks for first ({@code get-software-information},
 * {@code get-route-engine-information}, {@code get-interface-information},
 * {@code get-chassis-inventory}), told honestly for a Linux host: Sallyport's version rather than a
 * Junos release, one routing engine, the host's own interfaces, the host as the chassis.
 */
final class SystemFacts {
    private final Path stateDir;
    private final String systemHost;

    /** @param systemHost the host name when the committed configuration has no {@code system host-name} */
    SystemFacts(Path stateDir, String systemHost) {
        this.stateDir = stateDir;
        this.systemHost = systemHost;
    }

    private String hostName() {
        try {
            return io.sallyport.config.store.ConfigStore.open(stateDir).active().child("system")
                    .flatMap(s -> s.value("host-name")).orElse(systemHost);
        } catch (IOException e) {
            return systemHost;
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = SystemFacts.class.getResourceAsStream("/sallyport-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            return "(unknown version)";
        }
        return p.getProperty("version", "(unknown version)");
    }

    String softwareInformation() {
        return "<software-information>\n"
                + leaf("host-name", hostName())
                + leaf("product-model", "sallyport")
                + leaf("product-name", "sallyport")
                + "<package-information>\n" + leaf("name", "sallyport")
                + leaf("comment", "Sallyport " + version() + " on " + System.getProperty("os.name") + " "
                        + System.getProperty("os.version") + ", Java " + Runtime.version())
                + "</package-information>\n"
                + "</software-information>\n";
    }

    String routeEngineInformation() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        StringBuilder sb = new StringBuilder("<route-engine-information>\n<route-engine>\n");
        sb.append(leaf("slot", "0")).append(leaf("mastership-state", "master")).append(leaf("status", "OK"));
        sb.append(leaf("model", "Linux host (" + os.getArch() + ", " + os.getAvailableProcessors() + " CPUs)"));
        if (os instanceof com.sun.management.OperatingSystemMXBean m) {
            sb.append(leaf("memory-dram-size", (m.getTotalMemorySize() >> 20) + " MB"));
        }
        uptimeSeconds().ifPresent(s -> sb.append("<up-time seconds=\"").append(s).append("\">").append(s / 86400)
                .append(" days, ").append(s % 86400 / 3600).append(" hours, ").append(s % 3600 / 60)
                .append(" minutes, ").append(s % 60).append(" seconds</up-time>\n"));
        double load = os.getSystemLoadAverage();
        if (load >= 0) sb.append(leaf("load-average-one", String.format("%.2f", load)));
        return sb.append("</route-engine>\n</route-engine-information>\n").toString();
    }

    /**
     * {@code get-chassis-inventory}: one chassis, the host. Its serial number is the firmware's
     * (DMI {@code product_serial}) when the host exposes one to this user; otherwise there is none.
     */
    String chassisInventory() {
        StringBuilder sb = new StringBuilder("<chassis-inventory>\n<chassis style=\"inventory\">\n");
        sb.append(leaf("name", "Chassis"));
        dmi("product_serial").ifPresent(serial -> sb.append(leaf("serial-number", serial)));
        sb.append(leaf("description", "Linux host" + dmi("product_name").map(n -> " (" + n + ")").orElse("")));
        return sb.append("</chassis>\n</chassis-inventory>\n").toString();
    }

    private static java.util.Optional<String> dmi(String field) {
        try {
            String value = Files.readString(Path.of("/sys/class/dmi/id", field)).strip();
            return value.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(value);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    String interfaceInformation() {
        StringBuilder sb = new StringBuilder("<interface-information>\n");
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().sorted(
                    java.util.Comparator.comparing(NetworkInterface::getName)).toList()) {
                sb.append("<physical-interface>\n").append(leaf("name", nic.getName()));
                boolean up = nic.isUp();
                sb.append(leaf("admin-status", up ? "up" : "down")).append(leaf("oper-status", up ? "up" : "down"));
                sb.append(leaf("mtu", String.valueOf(nic.getMTU())));
                byte[] mac = nic.getHardwareAddress();
                if (mac != null && mac.length > 0) {
                    sb.append(leaf("current-physical-address", HexFormat.ofDelimiter(":").formatHex(mac)));
                }
                for (var a : nic.getInterfaceAddresses()) {
                    sb.append("<interface-address>\n").append(leaf("ifa-local",
                            a.getAddress().getHostAddress().replaceAll("%.*$", "") + "/" + a.getNetworkPrefixLength()))
                            .append("</interface-address>\n");
                }
                sb.append("</physical-interface>\n");
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the host's interfaces: " + e.getMessage(), e);
        }
        return sb.append("</interface-information>\n").toString();
    }

    private static java.util.Optional<Long> uptimeSeconds() {
        try {
            List<String> words = List.of(Files.readString(Path.of("/proc/uptime")).strip().split("\\s+"));
            return java.util.Optional.of((long) Double.parseDouble(words.getFirst()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String leaf(String name, String value) {
        return "<" + name + ">" + SafeXml.escape(value) + "</" + name + ">\n";
    }
}
