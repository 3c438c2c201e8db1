package io.sallyport.interop;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The summary line of iputils ping: "N packets transmitted, M received". */
public record Ping(int transmitted, int received, String output) {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    public static Ping parse(String output) {
        Matcher m = SUMMARY.matcher(output);
        if (!m.find()) return new Ping(0, 0, output);
        return new Ping(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), output);
    }

    public int lost() { return transmitted - received; }

    public boolean allAnswered() { return transmitted > 0 && received == transmitted; }

    @Override public String toString() { return transmitted + " transmitted, " + received + " received"; }
}
