package io.sallyport.gateway.routing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads iproute2's JSON route listing ({@code ip -j -4 route show table all}). Pure: text in,
 * routes out. iproute2 leaves out what is the default: a route without {@code table} is in the
 * main table, without {@code type} unicast, without {@code protocol} {@code boot}.
 */
public final class KernelRoutes {

    private KernelRoutes() {}

    /** A listing that is not the JSON iproute2 prints. */
    public static final class KernelRoutesException extends RuntimeException {
        KernelRoutesException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static List<KernelRoute> parse(String json) {
        JsonArray routes;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonArray()) {
                throw new KernelRoutesException("ip printed " + (json.isBlank() ? "nothing" : "no JSON array"), null);
            }
            routes = e.getAsJsonArray();
        } catch (JsonParseException | IllegalStateException e) {
            throw new KernelRoutesException("ip's route listing is not the JSON expected: " + e.getMessage(), e);
        }
        List<KernelRoute> out = new ArrayList<>();
        for (JsonElement e : routes) {
            if (!e.isJsonObject()) {
                continue;
            }
            JsonObject r = e.getAsJsonObject();
            List<KernelRoute.Hop> hops = new ArrayList<>();
            if (r.has("nexthops") && r.get("nexthops").isJsonArray()) {
                for (JsonElement h : r.getAsJsonArray("nexthops")) {
                    if (h.isJsonObject()) {
                        hops.add(hop(h.getAsJsonObject()));
                    }
                }
            } else if (r.has("dev")) {
                hops.add(hop(r));
            }
            out.add(new KernelRoute(text(r, "table", "main"), text(r, "type", "unicast"), prefix(text(r, "dst", "")),
                    text(r, "protocol", "boot"), r.has("metric") && r.get("metric").isJsonPrimitive()
                            ? OptionalLong.of(r.get("metric").getAsLong()) : OptionalLong.empty(), hops));
        }
        return out;
    }

    private static KernelRoute.Hop hop(JsonObject o) {
        return new KernelRoute.Hop(text(o, "gateway", ""), text(o, "dev", ""));
    }

    /** {@code default} is {@code 0.0.0.0/0}; a host route is printed without its {@code /32}. */
    private static String prefix(String dst) {
        if (dst.equals("default")) {
            return "0.0.0.0/0";
        }
        return dst.indexOf('/') < 0 ? dst + "/32" : dst;
    }

    private static String text(JsonObject o, String member, String otherwise) {
        JsonElement e = o.get(member);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : otherwise;
    }
}
