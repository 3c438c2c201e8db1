package io.sallyport.net.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The effective capabilities of this process ({@code CapEff} in {@code /proc/self/status}), so
 * the daemon can say up front which privilege is missing instead of failing on the first ioctl.
 */
public record LinuxCapabilities(long effective) {

    /** The capabilities the gateway needs, with their bit numbers from linux/capability.h. */
    public enum Capability {
        CAP_NET_BIND_SERVICE(10, "bind UDP port 500"),
        CAP_NET_ADMIN(12, "create TUN devices and change routes, rules and VRFs"),
        CAP_NET_RAW(13, "send and receive plain ESP on a raw socket");

        private final int bit;
        private final String neededFor;

        Capability(final int bit, final String neededFor) {
            this.bit = bit;
            this.neededFor = neededFor;
        }

        public int bit() {
            return bit;
        }

        public String neededFor() {
            return neededFor;
        }
    }

    /** Reads {@code /proc/self/status}. */
    public static LinuxCapabilities ofCurrentProcess() {
        try {
            return parseStatus(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
    }

    /** Parses the lines of a {@code /proc/PID/status} file. */
    public static LinuxCapabilities parseStatus(final List<String> lines) {
        for (final String line : lines) {
            if (line.startsWith("CapEff:")) {
                return new LinuxCapabilities(Long.parseUnsignedLong(line.substring(7).trim(), 16));
            }
        }
        throw new IllegalArgumentException("no CapEff line in process status");
    }

    public boolean has(final Capability capability) {
        return ((effective >>> capability.bit()) & 1L) != 0;
    }

    public Set<Capability> missing(final Set<Capability> required) {
        final Set<Capability> missing = EnumSet.noneOf(Capability.class);
        for (final Capability c : required) {
            if (!has(c)) {
                missing.add(c);
            }
        }
        return missing;
    }

    /**
     * An operator-facing explanation of what is missing, or the empty string when nothing is:
     * {@code "missing CAP_NET_RAW (needed to send and receive plain ESP on a raw socket); run as
     * root or grant them, for example AmbientCapabilities= in the systemd unit"}.
     */
    public String explainMissing(final Set<Capability> required) {
        final Set<Capability> missing = missing(required);
        if (missing.isEmpty()) {
            return "";
        }
        return "missing " + missing.stream()
                .map(c -> c.name() + " (needed to " + c.neededFor() + ")")
                .collect(Collectors.joining(", "))
                + "; run as root or grant them, for example AmbientCapabilities= in the systemd unit"
                + " or setcap on the java binary";
    }
}
