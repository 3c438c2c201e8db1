package io.sallyport.lab;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users type them: {@code 500us}, {@code 50ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d}. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(us|ms|s|m|h|d)");

    private Durations() {}

    /** Nanoseconds, or -1 when {@code text} is not a duration. */
    public static long parse(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "us" -> n * 1_000L;
            case "ms" -> n * 1_000_000L;
            case "s" -> n * 1_000_000_000L;
            case "m" -> n * 60_000_000_000L;
            case "h" -> n * 3_600_000_000_000L;
            default -> n * 86_400_000_000_000L;
        };
    }

    /** A simulated instant as {@code [d+]hh:mm:ss.mmm}. */
    public static String clock(long nanos) {
        long ms = nanos / 1_000_000L;
        long days = ms / 86_400_000L;
        ms %= 86_400_000L;
        String time = String.format("%02d:%02d:%02d.%03d", ms / 3_600_000L, ms / 60_000L % 60, ms / 1000 % 60, ms % 1000);
        return days > 0 ? days + "d+" + time : time;
    }
}
