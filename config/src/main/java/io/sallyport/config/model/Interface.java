package io.sallyport.config.model;

import java.util.Map;
import java.util.Optional;

/** {@code interfaces NAME}: a physical (or services) interface and its logical units. */
public record Interface(String name, Optional<String> description, Map<Long, Unit> units) {
    public Interface { units = Ordered.copy(units); }
}
