package io.sallyport.gateway.daemon;

import io.sallyport.config.store.ConfigStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The daemon's side of {@code commit confirmed}: polled with the host watch, it applies a rollback
 * that is due (the store does the rollback when it is next used) and tells the daemon when the
 * newest commit is an automatic rollback it has not applied yet, whoever performed it.
 */
final class CommitConfirmWatch {
    private final ConfigStore store;
    private long seen;

    CommitConfirmWatch(Path stateDir, Clock clock) throws IOException {
        this.store = ConfigStore.open(stateDir, clock);
        this.seen = newest(store.lastCommit());
    }

    /** True when an automatic rollback became the active configuration since the last poll. */
    boolean poll() throws IOException {
        store.refresh();
        Optional<ConfigStore.CommitInfo> last = store.lastCommit();
        long newest = newest(last);
        boolean rolledBack = newest != seen
                && last.flatMap(ConfigStore.CommitInfo::comment).equals(Optional.of(ConfigStore.AUTOMATIC_ROLLBACK));
        seen = newest;
        return rolledBack;
    }

    private static long newest(Optional<ConfigStore.CommitInfo> last) {
        return last.map(ConfigStore.CommitInfo::sequence).orElse(0L);
    }
}
