package io.sallyport.gateway.daemon;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Secrets;
import io.sallyport.config.store.CommitClient;
import io.sallyport.config.store.ConfigStore;
import io.sallyport.gateway.daemon.Daemon.DaemonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code daemon --config FILE}: the store is the truth. The file seeds a store that has never
 * been committed to; once it has an active configuration (CLI commits included) the file is
 * ignored, so a restart never undoes a commit. {@code --load-config} asks for the file to be
 * committed anyway.
 */
final class ConfigSeed {

    /** What happened to the file. */
    enum Outcome { SEEDED, LOADED, ALREADY_ACTIVE, IGNORED }

    private ConfigSeed() {
    }

    static Outcome apply(Path file, boolean load, ConfigStore store, Consumer<String> log) throws IOException, DaemonException {
        if (!load && !store.history().isEmpty()) {
            log.accept("ignoring " + file + ": the store already has an active configuration (commit "
                    + store.history().getFirst().sequence() + "); pass --load-config to commit the file");
            return Outcome.IGNORED;
        }
        Node tree;
        try {
            tree = ConfigText.parse(Files.readString(file));
        } catch (ConfigSyntaxException e) {
            throw new DaemonException(file + ": " + e.getMessage());
        }
        boolean empty = store.history().isEmpty();
        if (!empty && Secrets.encode(tree, List.of(store.active()), new SecureRandom()).equals(store.active())) {
            return Outcome.ALREADY_ACTIVE;
        }
        store.setCandidate(tree);
        ConfigStore.CommitOutcome outcome = store.commit("sallyport-daemon", CommitClient.OTHER, Optional.of("loaded from " + file));
        outcome.check().warnings().forEach(w -> log.accept(w.format().stripTrailing()));
        if (!outcome.committed()) {
            throw new DaemonException(file + " does not commit:\n" + outcome.check().render());
        }
        log.accept((empty ? "seeded the empty store from " : "committed ") + file);
        return empty ? Outcome.SEEDED : Outcome.LOADED;
    }
}
