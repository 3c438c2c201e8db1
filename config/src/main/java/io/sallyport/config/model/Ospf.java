package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code protocols ospf}: its areas in configuration order and {@code reference-bandwidth} in bits
 * per second (the bandwidth at which an interface's default cost is 1).
 */
public record Ospf(List<Area> areas, OptionalLong referenceBandwidth) {

    public Ospf { areas = List.copyOf(areas); }

    /** {@code area ID}: the dotted area identifier and the interfaces in it. */
    public record Area(String id, boolean stub, List<OspfInterface> interfaces) {
        public Area { interfaces = List.copyOf(interfaces); }
    }

    /**
     * {@code interface NAME} in an area. {@code name} is as configured: an interface-unit name
     * ({@code ge-0/0/0.0}) or an interface name (unit 0).
     */
    public record OspfInterface(String name, boolean passive, Optional<String> interfaceType, OptionalInt metric,
                                OptionalInt helloInterval, OptionalInt deadInterval, OptionalInt priority) {

        /** The interface-unit name: {@code ge-0/0/0} means {@code ge-0/0/0.0}. */
        public String unit() {
            return name.indexOf('.') < 0 ? name + ".0" : name;
        }
    }
}
