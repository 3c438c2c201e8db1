package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.store.EditingSessions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What configuration mode needs from the configuration store: the candidate and active trees,
 * commit and its check, rollback, the diff, and the display forms. {@link StoreSession} is the
 * one implementation, over module config's store in the state directory.
 */
public interface ConfigSession {

    /**
     * {@code configure [exclusive | private]}: enters configuration mode as a registered editing
     * session. The outcome's text is what Junos prints (the other users editing, warnings), or
     * why the mode was refused.
     */
    Outcome begin(EditingSessions.Mode mode) throws IOException;

    /**
     * Leaves configuration mode: the session is unregistered; an exclusive or private session's
     * uncommitted changes are discarded (they were warned of at entry).
     */
    void end() throws IOException;

    /** How this session edits ({@link EditingSessions.Mode#SHARED} when it is not in configuration mode). */
    EditingSessions.Mode mode();

    /**
     * {@code update} in {@code configure private}: the commits others made since this session
     * began (or last updated) merged into its private copy; a statement both changed refuses it.
     */
    Outcome update() throws IOException;

    /** When another session holds {@code configure exclusive}: the Junos error that names it. */
    Optional<String> lockedBy() throws IOException;

    Node candidate();

    Node active();

    /** Replaces the candidate (after set, delete, activate or deactivate) and persists it. */
    void updateCandidate(Node candidate) throws IOException;

    /** {@code commit check}: the outcome the commit would have, without committing. */
    Outcome check();

    /**
     * {@code commit [comment TEXT]}: makes the candidate active when it passes the checks; with
     * {@code confirmWithin}, {@code commit confirmed}: rolled back unless confirmed in time. A
     * successful commit (or {@link #check}) confirms a pending {@code commit confirmed}.
     */
    Outcome commit(Optional<String> comment, Optional<Duration> confirmWithin) throws IOException;

    /** The time left before a pending {@code commit confirmed} is rolled back. */
    Optional<Duration> confirmRemaining() throws IOException;

    /** {@code show system commit}: one line per stored commit, newest (rollback 0) first. */
    String history() throws IOException;

    /**
     * {@code ## Last commit: 2026-12-04 22:46:44 UTC by alice}, the line Junos prints above
     * {@code show configuration}; empty before the first commit, or when the implementation does
     * not know (a session that wraps another must pass this on).
     */
    default Optional<String> lastCommit() throws IOException {
        return Optional.empty();
    }

    /**
     * {@code rollback ?}: one line per stored commit, the rollback index with when, by whom and
     * how it was committed ({@code 2026-12-04 22:46:44 UTC by alice via cli}), newest first;
     * empty when the implementation does not know (a session that wraps another must pass this on).
     */
    default List<HelpLine> rollbackChoices() throws IOException {
        return List.of();
    }

    /**
     * The configuration of commit N (0 = active) without loading it: {@code show | compare rollback N},
     * {@code show system rollback N}.
     *
     * @throws IllegalArgumentException when N is outside 0..49 or there is no commit N
     */
    Node committed(int n) throws IOException;

    /**
     * {@code status}: {@code Users currently editing the configuration:} and one line per editing
     * session, this one included.
     */
    String status() throws IOException;

    /** {@code rollback N}: loads committed configuration N (0 = active) into the candidate. */
    Outcome rollback(int n) throws IOException;

    /** {@code show | compare}: the candidate's changes against the active configuration under {@code level}. */
    String compare(List<PathElement> level);

    /** The statements under {@code level} of {@code tree} in the display form asked for. */
    String render(Node tree, List<PathElement> level, Pipeline.Display display);

    /** The curly-brace form of the statements under {@code level} of {@code tree}. */
    String braces(Node tree, List<PathElement> level);

    /**
     * The result of commit, commit check or rollback: whether it succeeded, and the text to print
     * (warnings, or the Junos-style error frames ending in {@code error: commit failed: ...}).
     */
    record Outcome(boolean ok, String text) { }
}
