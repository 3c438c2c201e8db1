package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes, with a timeout, reading stdout and stderr fully. */
public final class ProcessCommandRunner implements CommandRunner {

    private static final long TIMEOUT_SECONDS = 10;

    @Override
    public Result run(final List<String> command) {
        final Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (final IOException e) {
            throw new HostNetworkException("cannot run '" + String.join(" ", command) + "': "
                    + e.getMessage() + " (is iproute2 installed?)", e);
        }
        final CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        final String out = drain(process.getInputStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new HostNetworkException("'" + String.join(" ", command) + "' did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out, err.get());
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HostNetworkException("interrupted while running '" + String.join(" ", command) + "'", e);
        } catch (final ExecutionException e) {
            throw new HostNetworkException("cannot read stderr of '" + String.join(" ", command) + "'", e);
        }
    }

    private static String drain(final InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            return "";
        }
    }
}
