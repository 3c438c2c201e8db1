package io.sallyport.gateway.routing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Reads FRR's JSON answers ({@code vtysh -c '... json'}, FRR 8.4) into the views of the Junos
 * show commands. Pure: text in, views out. {@code junosName} turns a Linux device into the Junos
 * unit it carries ({@code ms-0_0_0.1} → {@code ms-0/0/0.1}).
 */
public final class FrrJson {
    /** Junos's default preference of OSPF internal routes. */
    static final int OSPF_PREFERENCE = 10;

    private FrrJson() {}

    /** A reply that is not the JSON FRR documents. */
    public static final class FrrJsonException extends RuntimeException {
        FrrJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code show ip ospf neighbor json}. */
    public static List<OspfNeighbor> neighbors(String json, UnaryOperator<String> junosName) {
        List<OspfNeighbor> out = new ArrayList<>();
        JsonObject byId = object(parse(json), "neighbors");
        for (Map.Entry<String, JsonElement> id : byId.entrySet()) {
            for (JsonElement e : id.getValue().getAsJsonArray()) {
                JsonObject n = e.getAsJsonObject();
                String iface = text(n, "ifaceName", "");
                int colon = iface.indexOf(':'); // "rtc0:198.51.100.1": the device and its address
                String device = colon < 0 ? iface : iface.substring(0, colon);
                out.add(new OspfNeighbor(text(n, "address", text(n, "ifaceAddress", "")), junosName.apply(device),
                        neighborState(text(n, "nbrState", text(n, "state", "Down"))), id.getKey(),
                        integer(n, "nbrPriority", integer(n, "priority", 0)),
                        Math.ceilDiv(number(n, "deadTimeMsecs", number(n, "routerDeadIntervalTimerDueMsec", 0)), 1000)));
            }
        }
        return out;
    }

    /** {@code show ip ospf interface json}: only interfaces OSPF is enabled on. */
    public static List<OspfInterface> interfaces(String json, UnaryOperator<String> junosName) {
        List<OspfInterface> out = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : object(parse(json), "interfaces").entrySet()) {
            JsonObject i = e.getValue().getAsJsonObject();
            if (!i.has("ospfEnabled") || !i.get("ospfEnabled").getAsBoolean()) {
                continue;
            }
            String frrState = text(i, "state", "Down");
            boolean loopback = frrState.equals("Loopback");
            out.add(new OspfInterface(junosName.apply(e.getKey()), interfaceState(frrState, i.get("ifUp")),
                    text(i, "area", "0.0.0.0"),
                    // Junos lists a loopback as the DR of its own stub network.
                    loopback ? text(i, "routerId", "0.0.0.0") : text(i, "drId", "0.0.0.0"),
                    text(i, "bdrId", "0.0.0.0"), integer(i, "nbrCount", 0)));
        }
        return out;
    }

    /**
     * {@code show ip route json} (FRR's whole IPv4 RIB): the table's counts, and its OSPF routes
     * except those to OSPF's own interfaces' networks (FRR keeps them beside the connected route;
     * Junos shows those networks only as Direct routes).
     */
    public static RouteTable ospfRoutes(String json, String tableName, UnaryOperator<String> junosName) {
        JsonObject rib = parse(json);
        int destinations = 0;
        int routes = 0;
        int active = 0;
        List<RouteEntry> shown = new ArrayList<>();
        for (Map.Entry<String, JsonElement> d : rib.entrySet()) {
            destinations++;
            for (JsonElement e : d.getValue().getAsJsonArray()) {
                JsonObject r = e.getAsJsonObject();
                routes++;
                boolean selected = flag(r, "selected");
                if (selected) {
                    active++;
                }
                if (!text(r, "protocol", "").equals("ospf")) {
                    continue;
                }
                List<RouteEntry.NextHop> hops = new ArrayList<>();
                boolean connected = false;
                JsonArray nexthops = r.has("nexthops") ? r.getAsJsonArray("nexthops") : new JsonArray();
                for (JsonElement h : nexthops) {
                    JsonObject nh = h.getAsJsonObject();
                    connected |= flag(nh, "directlyConnected");
                    hops.add(new RouteEntry.NextHop(text(nh, "ip", ""), junosName.apply(text(nh, "interfaceName", "")),
                            selected && (flag(nh, "fib") || nexthops.size() == 1)));
                }
                if (connected) {
                    continue;
                }
                shown.add(new RouteEntry(d.getKey(), "OSPF", OSPF_PREFERENCE, junosAge(text(r, "uptime", "")),
                        r.has("metric") ? OptionalLong.of(r.get("metric").getAsLong()) : OptionalLong.empty(),
                        selected, hops));
            }
        }
        return new RouteTable(tableName, destinations, routes, active, shown);
    }

    /** FRR's {@code Full/DR}, {@code 2-Way/DROther} → Junos's {@code Full}, {@code 2Way}. */
    static String neighborState(String frr) {
        int slash = frr.indexOf('/');
        String s = slash < 0 ? frr : frr.substring(0, slash);
        return switch (s) {
            case "2-Way" -> "2Way";
            case "Deleted", "Depend-Upon" -> "Down";
            default -> s;
        };
    }

    /** FRR's interface states → Junos's. */
    static String interfaceState(String frr, JsonElement ifUp) {
        if (ifUp != null && !ifUp.getAsBoolean()) {
            return "Down";
        }
        return switch (frr) {
            case "Point-To-Point" -> "PtToPt";
            case "Backup" -> "BDR";
            case "DROther" -> "DRother";
            case "Loopback" -> "DR";
            default -> frr; // DR, Waiting, Down
        };
    }

    /**
     * FRR's uptime ({@code 00:02:39} under a day, {@code 1d02h03m} under a week, {@code 02w3d04h}
     * beyond) in Junos's layout ({@code 00:02:39}, {@code 1d 02:03:00}, {@code 2w3d 04:00:00}):
     * FRR gives no seconds past a day, so they print as zero.
     */
    static String junosAge(String frr) {
        if (frr.isEmpty() || frr.indexOf(':') >= 0) {
            return frr;
        }
        long weeks = unit(frr, 'w');
        long days = unit(frr, 'd');
        long hours = unit(frr, 'h');
        long minutes = unit(frr, 'm');
        String prefix = (weeks > 0 ? weeks + "w" : "") + (days > 0 || weeks > 0 ? days + "d" : "");
        return prefix + " " + String.format("%02d:%02d:00", hours, minutes);
    }

    private static long unit(String s, char suffix) {
        int end = s.indexOf(suffix);
        if (end < 0) {
            return 0;
        }
        int start = end;
        while (start > 0 && Character.isDigit(s.charAt(start - 1))) {
            start--;
        }
        return start == end ? 0 : Long.parseLong(s.substring(start, end));
    }

    private static JsonObject parse(String json) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new FrrJsonException("FRR answered with " + (json.isBlank() ? "nothing" : "no JSON object"), null);
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new FrrJsonException("FRR's answer is not the JSON expected: " + e.getMessage(), e);
        }
    }

    private static JsonObject object(JsonObject o, String member) {
        JsonElement e = o.get(member);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
    }

    private static String text(JsonObject o, String member, String otherwise) {
        JsonElement e = o.get(member);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : otherwise;
    }

    private static int integer(JsonObject o, String member, int otherwise) {
        JsonElement e = o.get(member);
        return e != null && e.isJsonPrimitive() ? e.getAsInt() : otherwise;
    }

    private static long number(JsonObject o, String member, long otherwise) {
        JsonElement e = o.get(member);
        return e != null && e.isJsonPrimitive() ? e.getAsLong() : otherwise;
    }

    private static boolean flag(JsonObject o, String member) {
        JsonElement e = o.get(member);
        return e != null && e.isJsonPrimitive() && e.getAsBoolean();
    }
}
