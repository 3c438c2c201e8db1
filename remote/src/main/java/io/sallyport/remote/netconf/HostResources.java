package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code get-system-memory-information} and {@code get-system-storage} (what Ansible's
 * {@code junos_facts} subset {@code hardware} asks for) in Junos's XML, told from this Linux host:
 * {@code /proc/meminfo}, and statvfs of each mounted filesystem with blocks.
 */
final class HostResources {
    /** Junos's storage figures count 512-byte blocks (FreeBSD's df). */
    static final long BLOCK = 512;

    /** One mounted filesystem as statvfs sees it, in bytes. */
    record Filesystem(String name, String mountedOn, long total, long free, long available) {
        long used() { return total - free; }
    }

    private HostResources() {
    }

    /** {@code get-system-memory-information} from this host's {@code /proc/meminfo}. */
    static String memory() throws IOException {
        return memory(Files.readString(Path.of("/proc/meminfo")));
    }

    /**
     * The summary Junos prints as {@code show system memory}, in kilobytes as /proc/meminfo and
     * Junos's text both count: total, active, inactive, cache (page cache and buffers), free. Junos's
     * reserved and wired memory have no Linux counterpart and are left out.
     */
    static String memory(String meminfo) {
        Map<String, Long> kb = new LinkedHashMap<>();
        for (String line : meminfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String[] words = line.substring(colon + 1).strip().split("\\s+");
            try {
                kb.put(line.substring(0, colon).strip(), Long.parseLong(words[0]));
            } catch (NumberFormatException e) {
                // a line this version does not read
            }
        }
        long total = kb.getOrDefault("MemTotal", 0L);
        StringBuilder sb = new StringBuilder("<system-memory-information>\n<system-memory-summary-information>\n");
        summary(sb, "total", total, total);
        summary(sb, "active", kb.getOrDefault("Active", 0L), total);
        summary(sb, "inactive", kb.getOrDefault("Inactive", 0L), total);
        summary(sb, "cache", kb.getOrDefault("Cached", 0L) + kb.getOrDefault("Buffers", 0L), total);
        summary(sb, "free", kb.getOrDefault("MemFree", 0L), total);
        return sb.append("</system-memory-summary-information>\n</system-memory-information>\n").toString();
    }

    private static void summary(StringBuilder sb, String what, long kb, long total) {
        long percent = total == 0 ? 0 : Math.round(100.0 * kb / total);
        sb.append("<system-memory-").append(what).append(">").append(kb).append("</system-memory-").append(what).append(">\n");
        sb.append("<system-memory-").append(what).append("-percent>").append(percent).append("%</system-memory-")
                .append(what).append("-percent>\n");
    }

    /** {@code get-system-storage}: every filesystem of {@code /proc/self/mounts} that has blocks. */
    static String storage() throws IOException {
        return storage(filesystems(Files.readString(Path.of("/proc/self/mounts"))));
    }

    /** The filesystems of a mounts table, as statvfs sees them; a mount point mounted over counts once, the last mount. */
    static List<Filesystem> filesystems(String mounts) {
        Map<String, Filesystem> byMountPoint = new LinkedHashMap<>();
        for (String line : mounts.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2) continue;
            String mountedOn = unescape(f[1]);
            stat(unescape(f[0]), mountedOn).ifPresentOrElse(fs -> {
                byMountPoint.remove(mountedOn);
                byMountPoint.put(mountedOn, fs);
            }, () -> byMountPoint.remove(mountedOn));
        }
        return new ArrayList<>(byMountPoint.values());
    }

    private static Optional<Filesystem> stat(String name, String mountedOn) {
        try {
            FileStore store = Files.getFileStore(Path.of(mountedOn));
            long total = store.getTotalSpace();
            if (total <= 0) return Optional.empty(); // proc, sysfs, cgroup, nsfs...: no blocks, as df leaves them out
            return Optional.of(new Filesystem(name, mountedOn, total, store.getUnallocatedSpace(), store.getUsableSpace()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone since the table was read, or not ours to stat
        }
    }

    /** /proc/mounts writes space, tab, newline and backslash in octal ({@code \040}). */
    static String unescape(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * {@code show system storage}'s XML: per filesystem its name, size, used and available in
     * 512-byte blocks with df's human form as {@code junos:format}, the used percentage (of what
     * is usable, rounded up, as df) and the mount point.
     */
    static String storage(List<Filesystem> filesystems) {
        StringBuilder sb = new StringBuilder("<system-storage-information>\n");
        for (Filesystem fs : filesystems) {
            long usable = fs.used() + fs.available();
            long percent = usable == 0 ? 0 : (fs.used() * 100 + usable - 1) / usable;
            sb.append("<filesystem>\n")
                    .append("<filesystem-name>").append(SafeXml.escape(fs.name())).append("</filesystem-name>\n")
                    .append(blocks("total-blocks", fs.total()))
                    .append(blocks("used-blocks", fs.used()))
                    .append(blocks("available-blocks", fs.available()))
                    .append("<used-percent>").append(percent).append("</used-percent>\n")
                    .append("<mounted-on>").append(SafeXml.escape(fs.mountedOn())).append("</mounted-on>\n")
                    .append("</filesystem>\n");
        }
        return sb.append("</system-storage-information>\n").toString();
    }

    private static String blocks(String element, long bytes) {
        return "<" + element + " junos:format=\"" + human(bytes) + "\">" + bytes / BLOCK + "</" + element + ">\n";
    }

    /** df -h's form: 1024-based, one decimal below 10 (rounded up), none above. */
    static String human(long bytes) {
        String[] units = {"B", "K", "M", "G", "T", "P", "E"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) return bytes == 0 ? "0" : bytes + "B";
        if (value < 10) {
            double up = Math.ceil(value * 10) / 10;
            return up < 10 ? String.format(Locale.ROOT, "%.1f%s", up, units[unit]) : "10" + units[unit];
        }
        return (long) Math.ceil(value) + units[unit];
    }
}
