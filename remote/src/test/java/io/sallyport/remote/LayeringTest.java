package io.sallyport.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * remote reaches the gateway only as a client does: through the CLI, the control socket and the
 * management API; never the engine, the data plane, the adapters, the lab or the app.
 */
class LayeringTest {
    private static final List<String> FORBIDDEN = List.of("io.sallyport.gateway.runtime", "io.sallyport.gateway.plan",
            "io.sallyport.gateway.linux", "io.sallyport.esp", "io.sallyport.ike", "io.sallyport.net",
            "io.sallyport.packet", "io.sallyport.crypto", "io.sallyport.lab", "io.sallyport.app");

    @Test
    void importsOnlyWhatAClientMay() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> l.startsWith("import"))
                            .filter(l -> FORBIDDEN.stream().anyMatch(f -> l.contains(f + ".") || l.contains(f + ";")))
                            .map(l -> p + ": " + l);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
