package io.sallyport.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Operational commands the shell answers from the host itself, daemon or not: {@code show
 * version}, {@code show log [FILE]}, {@code file list}, {@code file show FILE}, {@code ping} and
 * {@code traceroute} (the host's own programs, run with an argument list, never a shell line).
 * Files are the state directory's logs ({@code STATE/log}, where {@code traceoptions} writes kmd's
 * trace files); {@code /var/log/NAME}, as Junos users type it, means the same file. Nothing else on
 * the host can be read through these commands: a remote user's shell runs as the daemon's user.
 */
final class HostCommands {
    static final String JUNOS_LOG_DIR = "/var/log/";
    private static final DateTimeFormatter LISTED = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int MAX_COUNT = 100;

    private final Path logDir;
    private final Function<String, Optional<Path>> programs;

    /**
     * @param logDir   the state directory's log directory
     * @param programs finds a host program by name ({@code ping}, {@code traceroute}) on the search path
     */
    HostCommands(Path logDir, Function<String, Optional<Path>> programs) {
        this.logDir = logDir.toAbsolutePath().normalize();
        this.programs = programs;
    }

    /** The programs on {@code PATH}. */
    static Optional<Path> onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin:/usr/sbin:/sbin");
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }

    Path logDir() { return logDir; }

    /** The names of the files in {@code dir}, sorted; none when it cannot be read. */
    static List<String> fileNames(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code show version}: host name, model, the Sallyport and Java versions. */
    static Reply version(String hostName) {
        return Reply.ok("Hostname: " + hostName + "\nModel: sallyport\nSallyport: " + sallyportVersion()
                + "\nJava: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")\n"
                + "Host: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\n");
    }

    /** The version the build wrote into {@code sallyport-version.properties} (module app's resource). */
    static String sallyportVersion() {
        Properties p = new Properties();
        try (InputStream in = HostCommands.class.getResourceAsStream("/sallyport-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            return "(unknown version)";
        }
        return p.getProperty("version", "(unknown version)");
    }

    /** {@code show log}: the log files; {@code show log FILE}: one of them. */
    Reply showLog(Words w) {
        if (w.size() == 2) return list();
        if (w.size() > 3) return ConfigurationMode.syntaxErrorAt(w, 3);
        return show(w, 2);
    }

    /** {@code file list [DIRECTORY]} and {@code file show FILE}. */
    Reply file(Words w) {
        if (w.size() == 1) return Reply.errorAt(w.starts().getFirst() + 5, "syntax error, expecting <list> or <show>.\n");
        return switch (w.get(1)) {
            case "list" -> {
                if (w.size() > 3) yield ConfigurationMode.syntaxErrorAt(w, 3);
                if (w.size() == 3 && !isLogDir(w.get(2))) yield Reply.errorAt(w.starts().get(2), outside(w.get(2)));
                yield list();
            }
            case "show" -> {
                if (w.size() == 2) yield Reply.errorAt(w.starts().get(1) + 5, "syntax error, expecting <filename>.\n");
                if (w.size() > 3) yield ConfigurationMode.syntaxErrorAt(w, 3);
                yield show(w, 2);
            }
            default -> ConfigurationMode.syntaxErrorAt(w, 1);
        };
    }

    private boolean isLogDir(String dir) {
        String d = dir.endsWith("/") ? dir : dir + "/";
        return d.equals(JUNOS_LOG_DIR) || Path.of(dir).toAbsolutePath().normalize().equals(logDir);
    }

    private String outside(String name) {
        return "error: Sallyport shows only its own logs, in " + logDir + " (also written " + JUNOS_LOG_DIR + "NAME): '" + name
                + "' is outside it\n";
    }

    /** A log file's path from what was typed: a bare name, {@code /var/log/NAME}, or a path into the log directory. */
    Optional<Path> logFile(String typed) {
        String name = typed.startsWith(JUNOS_LOG_DIR) ? typed.substring(JUNOS_LOG_DIR.length()) : typed;
        Path candidate = name.contains("/") ? Path.of(name).toAbsolutePath().normalize() : logDir.resolve(name).normalize();
        if (name.isEmpty() || !logDir.equals(candidate.getParent())) return Optional.empty();
        return Optional.of(candidate);
    }

    private Reply show(Words w, int at) {
        Optional<Path> file = logFile(w.get(at));
        if (file.isEmpty()) return Reply.errorAt(w.starts().get(at), outside(w.get(at)));
        try {
            return Reply.ok(Files.readString(file.get(), StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            return Reply.error("error: could not resolve file: " + w.get(at) + " (no such file in " + logDir + ")\n");
        } catch (IOException e) {
            return Reply.error("error: could not read " + file.get() + ": " + e.getMessage() + "\n");
        }
    }

    /** The log directory as {@code ls -l} would list it: mode, size, time, name. */
    private Reply list() {
        if (!Files.isDirectory(logDir)) return Reply.ok(logDir + ": (no log files yet)\n");
        StringBuilder sb = new StringBuilder(logDir + ":\n");
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.sorted().toList()) {
                var attrs = Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class);
                sb.append(String.format("%s%s %10d %s %s%n", attrs.isDirectory() ? "d" : "-",
                        java.nio.file.attribute.PosixFilePermissions.toString(attrs.permissions()), attrs.size(),
                        LISTED.format(attrs.lastModifiedTime().toInstant()), f.getFileName()));
            }
        } catch (IOException e) {
            return Reply.error("error: could not list " + logDir + ": " + e.getMessage() + "\n");
        }
        return Reply.ok(sb.toString());
    }

    /**
     * {@code ping HOST [count N] [size BYTES] [source ADDRESS] [ttl N] [interval SECONDS]}: the host's
     * ping, {@code count} 5 unless given (at most 100: the shell cannot interrupt a running command).
     */
    Reply ping(Words w) {
        return run(w, "ping", List.of("count", "size", "source", "ttl", "interval"), (options, target) -> {
            List<String> args = new ArrayList<>(List.of("-n", "-c", options.getOrDefault("count", "5"), "-W", "2"));
            if (options.containsKey("size")) args.addAll(List.of("-s", options.get("size")));
            if (options.containsKey("source")) args.addAll(List.of("-I", options.get("source")));
            if (options.containsKey("ttl")) args.addAll(List.of("-t", options.get("ttl")));
            if (options.containsKey("interval")) args.addAll(List.of("-i", options.get("interval")));
            args.add(target);
            return args;
        });
    }

    /** {@code traceroute HOST [source ADDRESS] [ttl N]}: the host's traceroute, numeric. */
    Reply traceroute(Words w) {
        return run(w, "traceroute", List.of("source", "ttl"), (options, target) -> {
            List<String> args = new ArrayList<>(List.of("-n"));
            if (options.containsKey("source")) args.addAll(List.of("-s", options.get("source")));
            if (options.containsKey("ttl")) args.addAll(List.of("-m", options.get("ttl")));
            args.add(target);
            return args;
        });
    }

    @FunctionalInterface
    private interface Arguments {
        List<String> of(java.util.Map<String, String> options, String target);
    }

    private Reply run(Words w, String program, List<String> allowed, Arguments arguments) {
        if (w.size() == 1) return Reply.errorAt(w.starts().getFirst() + program.length() + 1, "syntax error, expecting <host>.\n");
        String target = w.get(1);
        if (!target.matches("[A-Za-z0-9][A-Za-z0-9.:%_-]{0,252}")) return Reply.errorAt(w.starts().get(1), "error: invalid host name or address\n");
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 2; i < w.size(); i += 2) {
            String option = w.get(i);
            if (!allowed.contains(option) || options.containsKey(option)) return ConfigurationMode.syntaxErrorAt(w, i);
            if (i + 1 == w.size()) return Reply.errorAt(w.starts().get(i) + option.length() + 1, "syntax error, expecting <" + option + ">.\n");
            String value = w.get(i + 1);
            boolean valid = switch (option) {
                case "count" -> value.matches("\\d{1,3}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= MAX_COUNT;
                case "size" -> value.matches("\\d{1,5}") && Integer.parseInt(value) <= 65468;
                case "ttl" -> value.matches("\\d{1,3}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 255;
                case "interval" -> value.matches("\\d{1,2}(\\.\\d{1,3})?");
                default -> value.matches("[A-Za-z0-9][A-Za-z0-9.:%_-]{0,252}");
            };
            if (!valid) return Reply.errorAt(w.starts().get(i + 1), "error: invalid value '" + value + "' for " + option
                    + (option.equals("count") ? " (1.." + MAX_COUNT + ")" : "") + "\n");
            options.put(option, value);
        }
        Optional<Path> binary = programs.apply(program);
        if (binary.isEmpty()) return Reply.error("error: " + program + " is not installed on this host\n");
        List<String> command = new ArrayList<>();
        command.add(binary.get().toString());
        command.addAll(arguments.of(options, target));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            return rc == 0 || rc == 1 && program.equals("ping") ? Reply.ok(out) : Reply.error(out.isEmpty() ? "error: " + program + " failed\n" : out);
        } catch (IOException e) {
            return Reply.error("error: could not run " + program + ": " + e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.error("error: " + program + " interrupted\n");
        }
    }
}
