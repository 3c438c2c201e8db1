package io.sallyport.net.linux;

import java.util.List;

/** Runs a host command; injected so command lines and output parsing test without root. */
@FunctionalInterface
public interface CommandRunner {

    /** Exit code and combined output of one command. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    Result run(List<String> command);
}
