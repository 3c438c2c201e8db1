package io.sallyport.config.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Unmodifiable maps that keep configuration order (Map.copyOf does not). */
final class Ordered {

    private Ordered() {}

    static <K, V> Map<K, V> copy(Map<K, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
