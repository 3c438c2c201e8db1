package io.sallyport.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where topologies come from: a {@code .lab} file, or an example shipped in the jar. */
public final class Topologies {
    private static final String EXAMPLES = "/io/sallyport/lab/examples/";
    /** The shipped examples: directory name and topology file under {@code examples/lab/}. */
    public static final List<String> EXAMPLE_NAMES = List.of("ms-mpc", "ike-digital-certificates", "vrf-static",
            "dynamic-peer", "disable-natt", "kmd-tracing", "vrf-overlap");

    private Topologies() {}

    /** Reads {@code file}; configuration files are resolved next to it. */
    public static Topology fromFile(Path file) throws LabException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return Topology.parse(text, file.toString(), name -> Files.readString(dir.resolve(name)));
    }

    /** A shipped example by name, such as {@code ms-mpc}: {@code examples/lab/NAME/NAME.lab}. */
    public static Topology example(String name) throws LabException {
        String dir = EXAMPLES + name + "/";
        String text;
        try {
            text = resource(dir + name + ".lab");
        } catch (IOException e) {
            throw new LabException("no example named " + name + " (examples: " + String.join(", ", EXAMPLE_NAMES) + ")");
        }
        return Topology.parse(text, "example:" + name, file -> resource(dir + file));
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = Topologies.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("not found: " + path.substring(EXAMPLES.length()));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
