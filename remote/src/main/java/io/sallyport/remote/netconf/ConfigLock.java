package io.sallyport.remote.netconf;

import java.util.Optional;

/**
 * The candidate's lock across NETCONF sessions ({@code lock}, {@code lock-configuration},
 * {@code open-configuration exclusive}): while one session holds it, the others may read but
 * not change or commit. A session's lock goes when the session does.
 */
public final class ConfigLock {
    /** Who holds the lock. */
    public record Holder(int sessionId, String user) { }

    private Holder holder;

    /** Takes the lock for {@code session}; empty on success, else who holds it. */
    synchronized Optional<Holder> lock(int session, String user) {
        if (holder != null && holder.sessionId() != session) return Optional.of(holder);
        holder = new Holder(session, user);
        return Optional.empty();
    }

    /** Whether {@code session} held the lock (and now does not). */
    synchronized boolean unlock(int session) {
        if (holder == null || holder.sessionId() != session) return false;
        holder = null;
        return true;
    }

    /** The holder when it is another session. */
    synchronized Optional<Holder> heldByOther(int session) {
        return holder != null && holder.sessionId() != session ? Optional.of(holder) : Optional.empty();
    }

    synchronized boolean heldBy(int session) {
        return holder != null && holder.sessionId() == session;
    }
}
