package io.sallyport.config.store;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a commit reached the store: the {@code via} word of Junos's {@code show system commit}
 * ({@code 0   2026-12-04 22:46:44 UTC by alice via netconf}). Junos also names {@code junoscript}
 * (its XML protocol outside NETCONF), {@code snmp}, {@code button} and {@code autoinstall}; Sallyport
 * has no such clients, so they are not here.
 */
public enum CommitClient {
    /** A shell: {@code sallyport cli}, the CLI over SSH, the lab's shell. */
    CLI("cli"),
    /** A NETCONF session ({@code commit-configuration} or {@code commit}). */
    NETCONF("netconf"),
    /** Neither: the daemon committing {@code --config}, the store rolling back a {@code commit confirmed}. */
    OTHER("other");

    private final String keyword;

    CommitClient(String keyword) {
        this.keyword = keyword;
    }

    /** The word after {@code via}. */
    public String keyword() {
        return keyword;
    }

    /** The client a stored keyword names; empty for a word this version does not know. */
    public static Optional<CommitClient> of(String keyword) {
        return Arrays.stream(values()).filter(c -> c.keyword.equals(keyword)).findFirst();
    }
}
