package io.sallyport.gateway.mgmt;

/** What the daemon offers its control socket: one command line in, one reply out. */
@FunctionalInterface
public interface ManagementApi {
    ControlProtocol.Reply execute(String commandLine);
}
