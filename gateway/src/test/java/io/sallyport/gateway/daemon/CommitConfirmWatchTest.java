package io.sallyport.gateway.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.store.ConfigStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 #3: the daemon applies the rollback of an unconfirmed commit with no shell running. */
class CommitConfirmWatchTest {

    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @TempDir
    Path state;

    @Test
    void theDaemonsPollRollsBackOnceAtTheDeadline() throws Exception {
        TestClock clock = new TestClock();
        ConfigStore shell = ConfigStore.open(state, clock);
        shell.setCandidate(ConfigText.parse("set system host-name good"));
        shell.commit("alice", Optional.empty());
        CommitConfirmWatch watch = new CommitConfirmWatch(state, clock);
        Node risky = ConfigText.parse("set system host-name risky");
        shell.locked(() -> {
            Node before = shell.active();
            shell.setCandidate(risky);
            shell.commit("alice", Optional.empty());
            shell.confirmWithin(Duration.ofMinutes(10), before);
            return null;
        });
        assertFalse(watch.poll(), "an ordinary commit is the shell's to announce");
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertTrue(watch.poll());
        assertEquals(ConfigText.parse("set system host-name good"), ConfigStore.open(state, clock).active());
        assertFalse(watch.poll());
    }
}
