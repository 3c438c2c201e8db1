package io.sallyport.gateway.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * One node of an operational reply, named with the Junos XML tag. A leaf has text; a container
 * has children. The same tree renders as {@code | display xml} and {@code | display json}.
 */
public record Element(String tag, String text, List<Element> children) {

    public Element {
        children = List.copyOf(children);
    }

    public static Element leaf(String tag, Object value) {
        return new Element(tag, String.valueOf(value), List.of());
    }

    public static Element container(String tag, List<Element> children) {
        return new Element(tag, null, children);
    }

    public static Builder builder(String tag) {
        return new Builder(tag);
    }

    public boolean isLeaf() {
        return text != null;
    }

    /** Collects children in order; a {@code null} value leaves the tag out. */
    public static final class Builder {
        private final String tag;
        private final List<Element> children = new ArrayList<>();

        private Builder(String tag) {
            this.tag = tag;
        }

        public Builder leaf(String childTag, Object value) {
            if (value != null) {
                children.add(Element.leaf(childTag, value));
            }
            return this;
        }

        public Builder add(Element child) {
            children.add(child);
            return this;
        }

        public Builder addAll(List<Element> more) {
            children.addAll(more);
            return this;
        }

        public Element build() {
            return Element.container(tag, children);
        }
    }
}
