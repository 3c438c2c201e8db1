package io.sallyport.config.store;

import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17 #3: commit confirmed rolls back by itself unless confirmed in time, even with no shell left. */
class CommitConfirmedTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        void advance(Duration d) { now = now.plus(d); }
    }

    @TempDir
    Path dir;

    final TestClock clock = new TestClock();

    static Node host(String name) throws Exception {
        return ConfigText.parse("set system host-name " + name);
    }

    /** A shell's commit confirmed: commit, then arm the deadline with what was active before. */
    private void commitConfirmed(ConfigStore s, Node tree, int minutes) throws Exception {
        s.locked(() -> {
            Node before = s.active();
            s.setCandidate(tree);
            assertTrue(s.commit("alice", Optional.empty()).committed());
            s.confirmWithin(Duration.ofMinutes(minutes), before);
            return null;
        });
    }

    @Test
    void unconfirmedItRollsBackAtTheDeadlineOnTheNextUseOfTheStore() throws Exception {
        ConfigStore s = ConfigStore.open(dir, clock);
        s.setCandidate(host("good"));
        s.commit("alice", Optional.empty());
        commitConfirmed(s, host("risky"), 10);
        assertEquals(Optional.of(clock.now.plus(Duration.ofMinutes(10))), s.pendingConfirm());

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertEquals(host("risky"), ConfigStore.open(dir, clock).active(), "not yet");

        clock.advance(Duration.ofSeconds(1));
        ConfigStore later = ConfigStore.open(dir, clock);
        assertEquals(host("good"), later.active());
        assertEquals(host("good"), later.candidate());
        assertEquals(Optional.of(ConfigStore.AUTOMATIC_ROLLBACK), later.history().getFirst().comment());
        assertEquals(CommitClient.OTHER, later.history().getFirst().client(), "the store rolled back, no client did");
        assertEquals(3, later.history().size());
        assertEquals(Optional.empty(), later.pendingConfirm());
        assertEquals(host("good"), ConfigStore.open(dir, clock).active(), "rolled back once");
    }

    @Test
    void aCommitOrCommitCheckInTimeConfirmsIt() throws Exception {
        ConfigStore s = ConfigStore.open(dir, clock);
        commitConfirmed(s, host("risky"), 5);
        clock.advance(Duration.ofMinutes(4));
        assertTrue(s.locked(s::confirm));
        clock.advance(Duration.ofMinutes(10));
        assertEquals(host("risky"), ConfigStore.open(dir, clock).active());
    }

    @Test
    void aSecondCommitConfirmedKeepsTheOriginalConfigurationToReturnTo() throws Exception {
        ConfigStore s = ConfigStore.open(dir, clock);
        s.setCandidate(host("good"));
        s.commit("alice", Optional.empty());
        commitConfirmed(s, host("risky1"), 5);
        clock.advance(Duration.ofMinutes(3));
        commitConfirmed(s, host("risky2"), 5);
        clock.advance(Duration.ofMinutes(4));
        assertEquals(host("risky2"), ConfigStore.open(dir, clock).active(), "the deadline moved");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(host("good"), ConfigStore.open(dir, clock).active());
    }

    @Test
    void theFirstCommitConfirmedRollsBackToAnEmptyConfiguration() throws Exception {
        ConfigStore s = ConfigStore.open(dir, clock);
        commitConfirmed(s, host("risky"), 1);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Node.root(), ConfigStore.open(dir, clock).active());
    }
}
