package io.sallyport.config;

import io.sallyport.config.model.JunosSecret;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The type of a statement's value, as the schema declares it. {@link #check} returns null for an
 * acceptable value and otherwise the message a person can act on ("Value 500 is not within range
 * (1..300)"); {@link #placeholder} is what CLI help shows in place of the value.
 */
public sealed interface ValueType {

    String placeholder();

    /** @return null when {@code value} is acceptable, else the reason it is not */
    String check(String value);

    /** An IPv4 or IPv6 address (Junos {@code jt:ipaddr}); IPv4-only when {@code v4Only}. */
    record Address(boolean v4Only) implements ValueType {
        @Override public String placeholder() { return v4Only ? "<ipv4-address>" : "<address>"; }
        @Override public String check(String value) {
            if (isIpv4(value) || (!v4Only && isIpv6(value))) return null;
            return "Invalid " + (v4Only ? "IPv4 " : "IP ") + "address: '" + value + "'";
        }
    }

    /** An IPv4 or IPv6 prefix {@code address/length}; a bare address means a host prefix. */
    record Prefix() implements ValueType {
        @Override public String placeholder() { return "<prefix>"; }
        @Override public String check(String value) {
            int slash = value.indexOf('/');
            String addr = slash < 0 ? value : value.substring(0, slash);
            boolean v4 = isIpv4(addr);
            if (!v4 && !isIpv6(addr)) return "Invalid prefix: '" + value + "'";
            if (slash < 0) return null;
            String len = value.substring(slash + 1);
            if (!len.matches("\\d{1,3}")) return "Invalid prefix length in '" + value + "'";
            int max = v4 ? 32 : 128;
            if (Integer.parseInt(len) > max) return "Prefix length in '" + value + "' is not within range (0.." + max + ")";
            return null;
        }
    }

    /** A decimal integer within {@code [min, max]}. */
    record IntRange(long min, long max) implements ValueType {
        @Override public String placeholder() { return "<" + min + ".." + max + ">"; }
        @Override public String check(String value) {
            if (!value.matches("\\d{1,19}")) return "Invalid number: '" + value + "'; expected a number in range (" + min + ".." + max + ")";
            long v;
            try { v = Long.parseLong(value); } catch (NumberFormatException e) { v = Long.MAX_VALUE; }
            return v < min || v > max ? "Value " + value + " is not within range (" + min + ".." + max + ")" : null;
        }
    }

    /**
     * A bandwidth in bits per second, a number optionally followed by k, m or g (1,000-based, as
     * Junos reads {@code reference-bandwidth 10g}), within {@code [min, max]}.
     */
    record Bandwidth(long min, long max) implements ValueType {
        private static final Pattern FORM = Pattern.compile("(\\d{1,13})([kmg]?)");

        @Override public String placeholder() { return "<bandwidth>"; }
        @Override public String check(String value) {
            if (!FORM.matcher(value).matches()) return "Invalid bandwidth: '" + value + "'; expected a number optionally followed by k, m or g";
            long bps = bitsPerSecond(value);
            return bps < min || bps > max ? "Value " + value + " is not within range (" + min + ".." + max + ")" : null;
        }

        /** {@code value}'s bits per second ({@code 10g}: 10,000,000,000); the value must have passed {@link #check}. */
        public static long bitsPerSecond(String value) {
            var m = FORM.matcher(value);
            if (!m.matches()) throw new IllegalArgumentException("not a bandwidth: " + value);
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2)) {
                case "k" -> 1_000L;
                case "m" -> 1_000_000L;
                case "g" -> 1_000_000_000L;
                default -> 1L;
            };
            return n > Long.MAX_VALUE / unit ? Long.MAX_VALUE : n * unit;
        }
    }

    /** One keyword out of a fixed set. */
    record Enumeration(List<String> values) implements ValueType {
        public Enumeration { values = List.copyOf(values); }
        @Override public String placeholder() { return "(" + String.join(" | ", values) + ")"; }
        @Override public String check(String value) {
            return values.contains(value) ? null
                : "Invalid value '" + value + "'; expected one of: " + String.join(", ", values);
        }
    }

    /** Free text with a length range and an optional pattern, described by {@code what}. */
    record Text(String what, int minLength, int maxLength, Pattern pattern, String patternHint) implements ValueType {
        @Override public String placeholder() { return "<" + what + ">"; }
        @Override public String check(String value) {
            if (value.length() < minLength || value.length() > maxLength)
                return "Length of '" + value + "' is not within range (" + minLength + ".." + maxLength + ")";
            if (pattern != null && !pattern.matcher(value).matches())
                return "Invalid " + what + ": '" + value + "'" + (patternHint == null ? "" : "; " + patternHint);
            return null;
        }
    }

    /** Hexadecimal digits, optionally with a leading 0x. */
    record Hex(int maxDigits) implements ValueType {
        @Override public String placeholder() { return "<hex>"; }
        @Override public String check(String value) {
            String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
            if (digits.isEmpty() || !digits.matches("[0-9a-fA-F]+")) return "Invalid hexadecimal value: '" + value + "'";
            return digits.length() > maxDigits ? "Hexadecimal value is longer than " + maxDigits + " digits" : null;
        }
    }

    /**
     * A secret (pre-shared keys, manual SA keys, passwords): a {@code plain} value, or the "$9$" form
     * of one. The store keeps and the CLI shows only the "$9$" form ({@link Secrets}).
     */
    record Secret(ValueType plain) implements ValueType {
        @Override public String placeholder() { return plain.placeholder(); }
        @Override public String check(String value) {
            return plain.check(JunosSecret.decode(value).orElse(value));
        }
    }

    static boolean isIpv4(String s) {
        if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return false;
        for (String octet : s.split("\\.")) if (Integer.parseInt(octet) > 255) return false;
        try { Inet4Address.ofLiteral(s); return true; } catch (IllegalArgumentException e) { return false; }
    }

    static boolean isIpv6(String s) {
        if (!s.contains(":") || !s.matches("[0-9a-fA-F:.]+")) return false;
        try { Inet6Address.ofLiteral(s); return true; } catch (IllegalArgumentException e) { return false; }
    }

    // Common types, named after what the reference calls them.
    ValueType ADDRESS = new Address(false);
    ValueType IPV4_ADDRESS = new Address(true);
    ValueType PREFIX = new Prefix();
    ValueType INTERFACE = new Text("interface-name", 1, 64,
        Pattern.compile("[a-z][a-z0-9]*(-\\d+/\\d+/\\d+(:\\d+)?)?"), "expected e.g. ge-0/0/0, ms-1/2/0, lo0");
    ValueType INTERFACE_UNIT = new Text("interface-unit", 1, 64,
        Pattern.compile("[a-z][a-z0-9]*(-\\d+/\\d+/\\d+(:\\d+)?)?\\.\\d{1,10}"), "expected e.g. ms-1/2/0.1");
    ValueType INTERFACE_OR_UNIT = new Text("interface-name", 1, 64,
        Pattern.compile("[a-z][a-z0-9]*(-\\d+/\\d+/\\d+(:\\d+)?)?(\\.\\d{1,10})?"), "expected e.g. ms-1/2/0 or ms-1/2/0.1");
    ValueType ADDRESS_OR_INTERFACE_UNIT = new Text("next-hop", 1, 64,
        Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*|[a-z][a-z0-9]*(-\\d+/\\d+/\\d+(:\\d+)?)?\\.\\d{1,10}"),
        "expected an address or an interface unit such as ms-1/2/0.1");
    ValueType STRING = new Text("string", 1, 255, null, null);
    ValueType DESCRIPTION = new Text("description", 1, 255, null, null);
    ValueType SERVICE_SET_NAME = new Text("service-set-name", 1, 63,
        Pattern.compile("[A-Za-z0-9][A-Za-z0-9/.:_-]*"), "must start with a letter or digit and use [A-Za-z0-9/.:_-]");
    ValueType RULE_NAME = new Text("rule-name", 1, 63,
        Pattern.compile("[A-Za-z0-9_-]+"), "use letters, digits, '_' and '-'");
    ValueType OBJECT_NAME = new Text("name", 1, 32,
        Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*"), "must start with a letter or digit and use [A-Za-z0-9._-]");
    ValueType CA_PROFILE_NAME = new Text("ca-profile-name", 1, 32,
        Pattern.compile("[^/%. ]+"), "must not contain '/', '%', '.' or a space");
    ValueType INSTANCE_NAME = new Text("routing-instance-name", 1, 128,
        Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*"), "must start with a letter or digit");
    ValueType INTERFACE_ID = new Text("interface-id", 1, 63,
        Pattern.compile("[A-Za-z0-9][_0-9A-Za-z-]{0,62}"), "must match [A-Za-z0-9][_0-9A-Za-z-]*");
    ValueType ROUTE_DISTINGUISHER = new Text("route-distinguisher", 3, 64,
        Pattern.compile("\\d{1,10}:\\d{1,10}|\\d{1,3}(\\.\\d{1,3}){3}:\\d{1,5}|\\d{1,10}L:\\d{1,5}"),
        "expected 16bit:32bit, 32bitL:16bit or a.b.c.d:16bit");
    ValueType COMMUNITY_MEMBER = new Text("community-member", 1, 128,
        Pattern.compile("[A-Za-z0-9:._^$*+\\[\\]-]+"), "expected e.g. target:65000:100");
    ValueType SIZE = new Text("size", 1, 12, Pattern.compile("\\d+[kmg]?"), "expected a number optionally followed by k, m or g");
    ValueType URL = new Text("url", 1, 1024, Pattern.compile("\\S+"), "must not contain spaces");
    ValueType NAME = new Text("name", 1, 255, Pattern.compile("[^\\s]+"), "must not contain spaces");
}
