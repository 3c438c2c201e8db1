package io.sallyport.ike.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The strongSwan namespace harness (interop/harness) with a namespace prefix and state directory
 * of our own, so other helpers' topologies do not collide, and the UdpAdapter child process that
 * plays gw-a inside its namespace.
 */
final class Harness {

    static final String PREFIX = "ike-";
    static final String STATE = "/tmp/ipsec-interop-ike";
    static final String PSK = "interop-psk-0123456789abcdef";
    static final Path SCRIPTS = findScripts();

    private Harness() {
    }

    private static Path findScripts() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("interop/harness"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("interop/harness") : p.resolve("interop/harness");
    }

    record Result(int exit, String output) {
    }

    static Result script(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(SCRIPTS.resolve(args[0]).toString());
        cmd.addAll(List.of(args).subList(1, args.length));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("INTEROP_STATE_DIR", STATE);
            pb.environment().put("INTEROP_PREFIX", PREFIX);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static Result script(String... args) {
        return script(Map.of(), args);
    }

    static String sas() {
        return script("strongswan-peer.sh", "sas", "gw-b").output();
    }

    /** The Java gw-a: a UdpAdapter process inside the gw-a namespace. */
    static final class GwA implements AutoCloseable {
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        GwA(String psk, String ikeProposal, String childProposal, boolean establishNow) throws IOException {
            this(psk, ikeProposal, childProposal, establishNow, 1280);
        }

        GwA(String psk, String ikeProposal, String childProposal, boolean establishNow, int maxDatagram) throws IOException {
            this(psk, ikeProposal, childProposal, establishNow, maxDatagram, "IKEV2");
        }

        /** {@code exchange}: a {@code PeerConfig.Exchange} name, IKEV2 or MAIN. */
        GwA(String psk, String ikeProposal, String childProposal, boolean establishNow, int maxDatagram, String exchange)
                throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder("ip", "netns", "exec", PREFIX + "gw-a", java, "-cp", System.getProperty("java.class.path"),
                    UdpAdapter.class.getName(), "192.0.2.1", "192.0.2.2", psk, ikeProposal, childProposal,
                    establishNow ? "now" : "wait", Integer.toString(maxDatagram), exchange).redirectErrorStream(true).start();
            stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("EOF " + e);
                }
            }, "gw-a-out");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) throws IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }

        /** Waits for an output line starting with {@code prefix}; returns it, or null after the timeout. */
        String await(String prefix, long seconds) throws InterruptedException {
            for (String s : seen) {
                if (s.startsWith(prefix)) {
                    seen.remove(s);
                    return s;
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                if (l.startsWith(prefix)) {
                    return l;
                }
                seen.add(l);
            }
            return null;
        }

        String transcript() {
            List<String> all = new ArrayList<>(seen);
            lines.drainTo(all);
            seen.clear();
            seen.addAll(all);
            return String.join("\n", all);
        }

        /** Asks the adapter to quit, then kills it (only this child process) if it does not. */
        @Override
        public void close() {
            try {
                send("quit");
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
