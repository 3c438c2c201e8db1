package io.sallyport.gateway.daemon;

import io.sallyport.config.store.ConfigStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's side of {@code commit confirmed}: polled with the host watch, it applies a rollback
 * that is due (the store does the rollback when it is next used) and tells the daemon when the
 * newest commit is an automatic rollback it has not applied yet, whoever performed it.
 */
final class CommitConfirmWatch {
    private final Path stateDir;
    private final Clock clock;
    private long seen;

    CommitConfirmWatch(Path stateDir, Clock clock) throws IOException {
        this.stateDir = stateDir;
        this.clock = clock;
        this.seen = newest(ConfigStore.open(stateDir, clock).history());
    }

    /** True when an automatic rollback became the active configuration since the last poll. */
    boolean poll() throws IOException {
        List<ConfigStore.CommitInfo> history = ConfigStore.open(stateDir, clock).history();
        long newest = newest(history);
        boolean rolledBack = newest != seen && history.getFirst().comment().equals(Optional.of(ConfigStore.AUTOMATIC_ROLLBACK));
        seen = newest;
        return rolledBack;
    }

    private static long newest(List<ConfigStore.CommitInfo> history) {
        return history.isEmpty() ? 0 : history.getFirst().sequence();
    }
}
