package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The lab runs anywhere: nothing in it may reach the Linux adapters or the Linux daemon. */
class LayeringTest {
    private static final List<String> FORBIDDEN = List.of("io.sallyport.net.linux", "io.sallyport.gateway.linux",
            "io.sallyport.gateway.daemon");

    @Test
    void noLinuxImports() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> l.startsWith("import"))
                            .filter(l -> FORBIDDEN.stream().anyMatch(l::contains)).map(l -> p + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
