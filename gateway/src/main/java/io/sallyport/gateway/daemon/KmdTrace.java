package io.sallyport.gateway.daemon;

import io.sallyport.gateway.plan.GatewayPlan.TraceSettings;
import io.sallyport.gateway.trace.TraceFile;
import io.sallyport.ike.Action;
import io.sallyport.ike.TraceLevel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes kmd's trace events to the {@code traceoptions} file when their flag is enabled and their
 * level is at or above the configured one. Written from the gateway's control agent, reconfigured
 * by the thread that commits: both take this object's lock (control path only, never per packet),
 * so a file is never closed under a write.
 */
final class KmdTrace implements Consumer<Action.Trace> {
    private static final Logger LOG = LoggerFactory.getLogger(KmdTrace.class);

    private final Path logDir;
    private final Clock clock;
    private final String process;
    private volatile Optional<Active> active = Optional.empty();

    private record Active(TraceSettings settings, TraceFile file, int minimum) {
    }

    KmdTrace(Path logDir, Clock clock) {
        this.logDir = logDir;
        this.clock = clock;
        this.process = "kmd[" + ProcessHandle.current().pid() + "]";
    }

    /** Applies a commit's traceoptions (empty: tracing off). */
    synchronized void configure(Optional<TraceSettings> settings) {
        Optional<Active> old = active;
        if (old.map(Active::settings).equals(settings)) {
            return;
        }
        old.ifPresent(a -> close(a.file()));
        active = settings.flatMap(s -> {
            try {
                return Optional.of(new Active(s, TraceFile.in(logDir, s.file(), s.sizeBytes(), s.files(), s.worldReadable()),
                        levelRank(s.level())));
            } catch (IOException | IllegalArgumentException e) {
                LOG.error("traceoptions file {}: {}", s.file(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    @Override
    public synchronized void accept(Action.Trace t) {
        LOG.debug("[{}] {}", t.flag(), t.text());
        Optional<Active> a = active;
        if (a.isEmpty()) {
            return;
        }
        TraceSettings s = a.get().settings();
        String flag = t.flag().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!(s.flags().contains("all") || s.flags().contains(flag)) || rank(t.level()) < a.get().minimum()) {
            return;
        }
        try {
            a.get().file().write(clock.instant(), process, "[" + flag + "] " + t.text());
        } catch (IOException e) {
            LOG.warn("trace file write failed: {}", e.getMessage());
        }
    }

    /** Junos levels from the most to the least severe: error ... all. */
    private static int levelRank(String keyword) {
        return switch (keyword) {
            case "error" -> 5;
            case "warning" -> 4;
            case "notice" -> 3;
            case "info" -> 2;
            case "verbose" -> 1;
            default -> 0;
        };
    }

    private static int rank(TraceLevel level) {
        return levelRank(level.name().toLowerCase(Locale.ROOT));
    }

    private static void close(TraceFile f) {
        try {
            f.close();
        } catch (IOException e) {
            LOG.warn("closing trace file: {}", e.getMessage());
        }
    }
}
