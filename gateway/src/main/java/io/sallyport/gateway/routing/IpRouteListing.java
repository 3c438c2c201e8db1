package io.sallyport.gateway.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HostRoutes} of this Linux host (the daemon's network namespace): runs
 * {@code ip -j -4 route show table all}, bounded by {@value #SECONDS} s.
 */
public final class IpRouteListing implements HostRoutes {
    private static final long SECONDS = 10;

    @Override
    public String listAllTables() throws IOException {
        Process p = new ProcessBuilder("ip", "-j", "-4", "route", "show", "table", "all")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // Read on another thread so a large table cannot fill the pipe while this one waits.
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, task -> Thread.ofVirtual().name("ip-route-reader").start(task));
        try {
            if (!p.waitFor(SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ip route did not answer within " + SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("ip route exited with status " + p.exitValue());
            }
            return new String(out.get(SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing routes");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("reading ip's route listing: " + e.getMessage());
        }
    }
}
