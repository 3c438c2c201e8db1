package io.sallyport.gateway.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders an {@link Element} tree the way {@code | display xml} and {@code | display json} do. */
public final class Display {

    private Display() {
    }

    public static String xml(Element root) {
        StringBuilder out = new StringBuilder();
        out.append("<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/sallyport/junos\">\n");
        xml(root, 1, out);
        out.append("</rpc-reply>\n");
        return out.toString();
    }

    private static void xml(Element e, int depth, StringBuilder out) {
        String indent = "    ".repeat(depth);
        if (e.isLeaf()) {
            out.append(indent).append('<').append(e.tag()).append('>')
                    .append(escapeXml(e.text())).append("</").append(e.tag()).append(">\n");
            return;
        }
        if (e.children().isEmpty()) {
            out.append(indent).append('<').append(e.tag()).append("/>\n");
            return;
        }
        out.append(indent).append('<').append(e.tag()).append(">\n");
        for (Element child : e.children()) {
            xml(child, depth + 1, out);
        }
        out.append(indent).append("</").append(e.tag()).append(">\n");
    }

    /**
     * Junos JSON: every element becomes an array of objects (repeated tags collect into one
     * array), and a leaf's text sits under {@code "data"}.
     */
    public static String json(Element root) {
        StringBuilder out = new StringBuilder();
        out.append("{\n");
        out.append("    \"").append(root.tag()).append("\" : ");
        jsonArray(List.of(root), 1, out);
        out.append("\n}\n");
        return out.toString();
    }

    private static void jsonArray(List<Element> sameTag, int depth, StringBuilder out) {
        String indent = "    ".repeat(depth);
        out.append("[");
        for (int i = 0; i < sameTag.size(); i++) {
            Element e = sameTag.get(i);
            out.append(i == 0 ? "\n" : ",\n").append(indent).append("{\n");
            if (e.isLeaf()) {
                out.append(indent).append("    \"data\" : \"").append(escapeJson(e.text())).append("\"\n");
            } else {
                Map<String, List<Element>> byTag = new LinkedHashMap<>();
                for (Element child : e.children()) {
                    byTag.computeIfAbsent(child.tag(), t -> new java.util.ArrayList<>()).add(child);
                }
                int n = 0;
                for (Map.Entry<String, List<Element>> entry : byTag.entrySet()) {
                    out.append(indent).append("    \"").append(entry.getKey()).append("\" : ");
                    jsonArray(entry.getValue(), depth + 2, out);
                    out.append(++n < byTag.size() ? ",\n" : "\n");
                }
            }
            out.append(indent).append("}");
        }
        out.append("\n").append("    ".repeat(Math.max(0, depth - 1))).append("]");
    }

    private static String escapeXml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String escapeJson(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
