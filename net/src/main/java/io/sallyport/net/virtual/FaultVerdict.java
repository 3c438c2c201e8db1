package io.sallyport.net.virtual;

/**
 * What a {@link LinkFault} does to one datagram: drop it, or deliver {@code copies} copies after
 * an extra delay. Verdicts of several faults combine with {@link #and}.
 */
public record FaultVerdict(boolean drop, long extraDelayNanos, int copies) {

    public static final FaultVerdict PASS = new FaultVerdict(false, 0, 1);
    public static final FaultVerdict DROP = new FaultVerdict(true, 0, 0);

    public FaultVerdict {
        if (extraDelayNanos < 0 || copies < 0 || (!drop && copies == 0)) {
            throw new IllegalArgumentException("invalid verdict: delay " + extraDelayNanos + ", copies " + copies);
        }
    }

    public static FaultVerdict delay(final long nanos) {
        return new FaultVerdict(false, nanos, 1);
    }

    public static FaultVerdict duplicate(final int copies) {
        return new FaultVerdict(false, 0, copies);
    }

    /** Drop wins; delays add up; the larger number of copies wins. */
    public FaultVerdict and(final FaultVerdict other) {
        if (drop || other.drop) {
            return DROP;
        }
        return new FaultVerdict(false, extraDelayNanos + other.extraDelayNanos, Math.max(copies, other.copies));
    }
}
