package io.sallyport.remote;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit trail of remote access: logins, refusals and commits, each with the user and where from. */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("io.sallyport.remote.audit");

    private Audit() {
    }

    public static void login(String user, String source, String method, String service) {
        LOG.info("login: user '{}' from {} ({} via {})", user, source, method, service);
    }

    public static void loginFailed(String user, String source, String method, String why) {
        LOG.warn("login failed: user '{}' from {} ({}): {}", user, source, method, why);
    }

    public static void refused(String user, String source, String command) {
        LOG.warn("command refused: user '{}' from {}: {}", user, source, command);
    }

    public static void commit(String user, String source, boolean committed, String how) {
        LOG.info("commit {}: user '{}' from {} ({})", committed ? "complete" : "failed", user, source, how);
    }

    public static void logout(String user, String source) {
        LOG.info("logout: user '{}' from {}", user, source);
    }
}
