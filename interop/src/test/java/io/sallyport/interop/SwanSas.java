package io.sallyport.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** strongSwan's IKE and CHILD SAs, read from `swanctl --list-sas --raw` (one vici dump line per IKE_SA). */
public record SwanSas(List<Ike> ikes, String raw) {

    public record Child(String state, String spiIn, String spiOut, boolean encap, long packetsIn, long packetsOut) {
        /** The SPIs as Sallyport's show output prints them: unsigned decimal. */
        public String spiInDecimal() { return Long.toString(Long.parseLong(spiIn, 16)); }
        public String spiOutDecimal() { return Long.toString(Long.parseLong(spiOut, 16)); }
    }

    public record Ike(String state, String initiatorSpi, String responderSpi, String remoteHost, List<Child> children) {}

    private static final Pattern IKE = Pattern.compile(
        "\\{uniqueid=\\d+ version=\\d+ state=(\\w+) .*?remote-host=(\\S+) .*?initiator-spi=(\\w+) responder-spi=(\\w+)");
    private static final Pattern CHILD = Pattern.compile(
        "\\{name=net\\w* uniqueid=\\d+ reqid=\\d+ state=(\\w+) .*?encap=(\\w+) spi-in=(\\w+) spi-out=(\\w+)"
            + " .*?packets-in=(\\d+) .*?packets-out=(\\d+)");

    public static SwanSas parse(String raw) {
        List<Ike> ikes = new ArrayList<>();
        for (String line : raw.lines().filter(l -> l.startsWith("list-sa event")).toList()) {
            Matcher m = IKE.matcher(line);
            if (!m.find()) continue;
            List<Child> children = new ArrayList<>();
            Matcher c = CHILD.matcher(line);
            while (c.find()) children.add(new Child(c.group(1), c.group(3), c.group(4), c.group(2).equals("yes"),
                    Long.parseLong(c.group(5)), Long.parseLong(c.group(6))));
            ikes.add(new Ike(m.group(1), m.group(3), m.group(4), m.group(2), children));
        }
        return new SwanSas(List.copyOf(ikes), raw);
    }

    public List<Child> installedChildren() {
        return ikes.stream().flatMap(i -> i.children().stream()).filter(c -> c.state().equals("INSTALLED")).toList();
    }

    public boolean hasIkeSpi(String initiatorSpi) {
        return ikes.stream().anyMatch(i -> i.initiatorSpi().equals(initiatorSpi));
    }

    public boolean established() { return ikes.stream().anyMatch(i -> i.state().equals("ESTABLISHED")); }
}
