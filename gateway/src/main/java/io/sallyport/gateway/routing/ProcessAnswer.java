package io.sallyport.gateway.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a short-lived tool ({@code ip}, {@code vtysh}) prints, bounded in time; its errors are discarded. */
final class ProcessAnswer {
    private ProcessAnswer() {}

    /**
     * Runs {@code command} and returns its standard output.
     *
     * @param what the tool's name for the error messages
     * @throws IOException when it cannot start, exits non-zero or does not finish within {@code seconds}
     */
    static String read(List<String> command, long seconds, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // Read on another thread so a large answer cannot fill the pipe while this one waits.
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofVirtual().name(what + "-reader").start(task));
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not answer within " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(what + " exited with status " + p.exitValue());
            }
            return new String(out.get(seconds, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("reading " + what + "'s answer: " + e.getMessage());
        }
    }
}
