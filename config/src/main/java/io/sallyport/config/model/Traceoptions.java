package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;

/** {@code services ipsec-vpn traceoptions}, defaults applied (file kmd, 3 files, level error). */
public record Traceoptions(String fileName, Optional<String> size, int files, boolean worldReadable,
                           Optional<String> match, TraceLevel level, List<String> flags, boolean noRemoteTrace) {
    public Traceoptions { flags = List.copyOf(flags); }
}
