package io.sallyport.ike;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code natt-install-interval}: a child SA carried in UDP (NAT-T) reaches the data plane that many
 * seconds after kmd agreed it, on kmd's clock. While a term's install waits, every later action
 * about that term's child SAs (switching, moving, deleting them, asking about their traffic) waits
 * behind it, so the adapter sees them in the order kmd made them; IKE messages and IKE SA events
 * are not held. A second install arriving while one waits goes out with it.
 */
final class InstallDelay {

    /** A term's held actions, oldest first, and when they go out. */
    private record Held(long dueNanos, List<Action> actions) {
    }

    private final Map<String, Held> held = new LinkedHashMap<>();

    /**
     * {@code out} with the installs {@code delayOf} (nanoseconds by peer name, 0 for none) holds
     * back, and what follows them for the same term, taken out; due ones released first.
     */
    List<Action> apply(long nowNanos, List<Action> out, ToLongFunction<String> delayOf) {
        List<Action> result = release(nowNanos);
        for (Action a : out) {
            String peer = childSaPeer(a);
            Held h = peer == null ? null : held.get(peer);
            if (h != null) {
                h.actions().add(a);
            } else if (a instanceof Action.InstallChildSa i && i.udpEncapsulation() && delayOf.applyAsLong(i.peer()) > 0) {
                List<Action> actions = new ArrayList<>();
                actions.add(i);
                held.put(i.peer(), new Held(nowNanos + delayOf.applyAsLong(i.peer()), actions));
            } else {
                result.add(a);
            }
        }
        return result;
    }

    /** The held actions whose time has come, in the order kmd made them. */
    private List<Action> release(long nowNanos) {
        List<Action> out = new ArrayList<>();
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.dueNanos() <= nowNanos) {
                out.addAll(h.actions());
                it.remove();
            }
        }
        return out;
    }

    /** When the next held install is due, or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (Held h : held.values()) {
            d = Math.min(d, h.dueNanos());
        }
        return d;
    }

    /** The term an action about its child SAs names, or null for other actions. */
    private static String childSaPeer(Action a) {
        return switch (a) {
            case Action.InstallChildSa i -> i.peer();
            case Action.SwitchOutbound s -> s.peer();
            case Action.ChildSaMoved m -> m.peer();
            case Action.DeleteChildSa d -> d.peer();
            case Action.TrafficQuery q -> q.peer();
            case Action.Send _ -> null;
            case Action.IkeSaUp _ -> null;
            case Action.IkeSaDown _ -> null;
            case Action.ChildRefused _ -> null;
            case Action.Trace _ -> null;
        };
    }
}
