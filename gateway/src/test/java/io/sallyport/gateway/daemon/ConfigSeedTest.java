package io.sallyport.gateway.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.store.ConfigStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 #7: a restart with --config must not undo CLI commits. */
class ConfigSeedTest {
    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();

    private Path file(String text) throws Exception {
        Path f = tmp.resolve("sallyport.conf");
        Files.writeString(f, text);
        return f;
    }

    private String hostName(ConfigStore store) {
        return store.active().child("system").flatMap(s -> s.value("host-name")).orElse("");
    }

    @Test
    void theFileSeedsAnEmptyStore() throws Exception {
        ConfigStore store = ConfigStore.open(tmp.resolve("state"), Clock.systemUTC());
        assertEquals(ConfigSeed.Outcome.SEEDED, ConfigSeed.apply(file("system { host-name from-file; }"), false, store, log::add));
        assertEquals("from-file", hostName(store));
    }

    @Test
    void aRestartKeepsTheCliCommitAndSaysItIgnoredTheFile() throws Exception {
        Path conf = file("system { host-name from-file; }");
        Path state = tmp.resolve("state");
        ConfigSeed.apply(conf, false, ConfigStore.open(state, Clock.systemUTC()), log::add);
        ConfigStore cli = ConfigStore.open(state, Clock.systemUTC());
        cli.setCandidate(ConfigText.parse("set system host-name from-cli"));
        assertTrue(cli.commit("alice", Optional.empty()).committed());

        ConfigStore restarted = ConfigStore.open(state, Clock.systemUTC());
        assertEquals(ConfigSeed.Outcome.IGNORED, ConfigSeed.apply(conf, false, restarted, log::add));
        assertEquals("from-cli", hostName(ConfigStore.open(state, Clock.systemUTC())));
        assertTrue(log.getLast().startsWith("ignoring " + conf + ": the store already has an active configuration"), log.getLast());
        assertTrue(log.getLast().contains("--load-config"), log.getLast());
    }

    @Test
    void loadConfigCommitsTheFileAnyway() throws Exception {
        Path conf = file("system { host-name from-file; }");
        Path state = tmp.resolve("state");
        ConfigStore store = ConfigStore.open(state, Clock.systemUTC());
        store.setCandidate(ConfigText.parse("set system host-name from-cli"));
        store.commit("alice", Optional.empty());
        assertEquals(ConfigSeed.Outcome.LOADED, ConfigSeed.apply(conf, true, store, log::add));
        assertEquals("from-file", hostName(ConfigStore.open(state, Clock.systemUTC())));
        assertEquals(ConfigSeed.Outcome.ALREADY_ACTIVE, ConfigSeed.apply(conf, true, store, log::add));
        assertEquals(2, store.history().size());
    }

    @Test
    void aFileWithAClearKeyEqualToTheStoredOneIsNoNewCommit() throws Exception {
        Path conf = file("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"s3cret\"");
        ConfigStore store = ConfigStore.open(tmp.resolve("state"), Clock.systemUTC());
        ConfigSeed.apply(conf, true, store, log::add);
        assertEquals(ConfigSeed.Outcome.ALREADY_ACTIVE, ConfigSeed.apply(conf, true, store, log::add));
    }
}
