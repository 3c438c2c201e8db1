package io.sallyport.app;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A configuration file read for {@code config check} and {@code config show}. */
final class ConfigFile {

    private ConfigFile() {
    }

    /** The file's tree, or the message to print ({@code FILE: line 3, column 5: ...}). */
    sealed interface Read {
        record Parsed(Node tree) implements Read { }

        record Failed(String message) implements Read { }
    }

    static Read read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return new Read.Failed("error: cannot read " + file + ": " + e.getMessage());
        }
        try {
            return new Read.Parsed(ConfigText.parse(text));
        } catch (ConfigSyntaxException e) {
            return new Read.Failed(file + ": " + e.getMessage());
        }
    }
}
