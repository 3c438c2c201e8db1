package io.sallyport.interop;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** capture.sh's summary: "CAPTURE pcap=.. total=N esp_in_udp=N ... raw_esp=N plain_inner=N". */
public record Capture(String pcap, int total, int espInUdp, int ikeUdp500, int ikeUdp4500, int natKeepalive,
                      int rawEsp, int plainInner, String line) {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    public static Capture parse(String output) {
        String line = output.lines().filter(l -> l.startsWith("CAPTURE ")).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no CAPTURE line in: " + output));
        Map<String, String> f = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) f.put(m.group(1), m.group(2));
        return new Capture(f.get("pcap"), n(f, "total"), n(f, "esp_in_udp"), n(f, "ike_udp500"), n(f, "ike_udp4500"),
            n(f, "nat_keepalive"), n(f, "raw_esp"), n(f, "plain_inner"), line);
    }

    private static int n(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) throw new AssertionError("CAPTURE line lacks " + key);
        return Integer.parseInt(v);
    }

    @Override public String toString() { return line; }
}
