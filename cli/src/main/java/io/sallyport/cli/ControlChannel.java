package io.sallyport.cli;

import java.nio.file.Path;

/**
 * Where the shell's operational commands and its post-commit reload go: the daemon's control
 * socket ({@link DaemonLink}), or, in the lab, the current virtual router.
 */
public interface ControlChannel {

    /** The state directory of the configuration and certificate stores the shell works on. */
    Path stateDir();

    /** Whether anything listens: false means a commit has nobody to tell. */
    boolean running();

    /** Runs one operational command line; {@link DaemonLink#RELOAD} applies the newly committed configuration. */
    DaemonLink.Answer execute(String commandLine);
}
