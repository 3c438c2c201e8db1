package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code load (override | merge | replace | update | set | patch) (FILE | terminal) [relative]}:
 * a text read from a file or pasted, put into the candidate the way each mode says.
 */
final class LoadCommand {
    private final ShellState state;
    private final ConfigSession config;
    private final PasteInput paste;

    LoadCommand(ShellState state, ConfigSession config, PasteInput paste) {
        this.state = state;
        this.config = config;
        this.paste = paste;
    }

    /**
     * {@code load (override | merge | replace | update | set | patch) (FILE | terminal) [relative]}:
     * override and update replace the candidate, merge adds a text in either form to it, replace merges too
     * but a statement tagged {@code replace:} replaces the candidate's as a whole, set applies
     * set/delete/activate/deactivate commands line by line (keeping the good lines and reporting
     * each bad one with its line number, as Junos does), patch applies a {@code show | compare}
     * text. {@code relative} reads the text at the current edit level. {@code terminal} reads
     * what is pasted up to Ctrl-D.
     */
    Reply load(Words w) throws IOException {
        List<String> args = w.from(1);
        if (args.isEmpty()) return Reply.errorAt(w.starts().getFirst() + 5, "syntax error, expecting <override|merge|replace|update|set|patch>.\n");
        String mode = args.getFirst();
        if (!List.of("override", "merge", "replace", "update", "set", "patch").contains(mode)) return ConfigurationMode.syntaxErrorAt(w, 1);
        if (args.size() == 1) return Reply.errorAt(w.starts().get(1) + mode.length() + 1, "syntax error, expecting <filename> or terminal.\n");
        boolean relative = args.size() > 2 && args.get(2).equals("relative");
        if (relative && (mode.equals("override") || mode.equals("update"))) return ConfigurationMode.syntaxErrorAt(w, 3);
        if (args.size() > (relative ? 3 : 2)) return ConfigurationMode.syntaxErrorAt(w, relative ? 4 : 3);
        boolean terminal = args.get(1).equals("terminal");
        String source = terminal ? "terminal" : args.get(1);
        String text;
        if (terminal) {
            Optional<String> pasted = paste.untilEndOfInput();
            if (pasted.isEmpty()) return Reply.error("error: load terminal read nothing (no terminal, or Ctrl-C abandoned it); nothing loaded\n");
            text = pasted.get();
        } else {
            try {
                text = Files.readString(Path.of(source));
            } catch (IOException e) {
                return Reply.error("error: could not read " + source + ": " + e.getMessage() + "\n");
            }
        }
        List<PathElement> base = relative ? state.level() : List.of();
        if (mode.equals("set")) return loadSet(source, text, base);
        Node candidate = config.candidate();
        if (mode.equals("patch")) {
            try {
                config.updateCandidate(Patch.apply(candidate, text, base));
                return Reply.ok("load complete\n");
            } catch (Patch.Refused e) {
                return Reply.error(source + ": " + e.getMessage() + "\nerror: load patch failed; nothing was changed\n");
            }
        }
        try {
            String braces = relative ? Patch.underLevel(base, text) : text;
            Node loaded;
            if (mode.equals("replace")) {
                ConfigText.Replacing r = ConfigText.parseReplacing(braces);
                loaded = candidate;
                // A replaced statement is emptied where it stands (terms keep their order), then filled from the text.
                for (List<PathElement> replaced : r.replaced()) {
                    if (loaded.at(replaced).isPresent()) {
                        loaded = ListEntryMove.under(loaded, replaced, n -> new Node(n.name(), n.key(), List.of(), false, List.of()));
                    }
                }
                loaded = ConfigText.applySetCommands(loaded, ConfigPrinter.setCommands(r.tree()));
            } else {
                Node parsed = ConfigText.parse(braces);
                // update, like override, leaves the candidate equal to the text (Junos then notifies only what changed).
                loaded = mode.equals("merge") ? ConfigText.applySetCommands(candidate, ConfigPrinter.setCommands(parsed)) : parsed;
            }
            config.updateCandidate(loaded);
            return Reply.ok("load complete\n");
        } catch (ConfigSyntaxException e) {
            return Reply.error(source + ": " + e.getMessage() + "\nerror: load failed\n");
        }
    }

    /**
     * {@code load set}: each line on its own, relative to {@code base}; a bad line is reported as
     * {@code SOURCE:LINE:(COLUMN) error} and skipped, the others are applied, and the count of
     * errors ends the report ({@code load complete (2 errors)}), as Junos does.
     */
    private Reply loadSet(String source, String text, List<PathElement> base) throws IOException {
        Node candidate = config.candidate();
        Node updated = candidate;
        StringBuilder report = new StringBuilder();
        int errors = 0;
        List<String> lines = text.lines().toList();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            Words w = Words.of(line);
            if (w.size() == 0 || w.first().startsWith("#")) continue;
            int restAt = w.starts().getFirst() + w.first().length();
            String rest = line.substring(restAt);
            if (!List.of("set", "delete", "activate", "deactivate").contains(w.first())) {
                errors++;
                report.append(source).append(':').append(n + 1).append(":(").append(w.starts().getFirst() + 1)
                        .append(") syntax error: expected set, delete, activate or deactivate, found '").append(w.first()).append("'\n");
                continue;
            }
            try {
                updated = switch (w.first()) {
                    case "set" -> ConfigEditor.set(updated, base, rest);
                    case "delete" -> w.size() == 1 ? deleteAll(updated, base) : ConfigEditor.delete(updated, base, rest);
                    case "activate" -> ConfigEditor.activate(updated, base, rest);
                    default -> ConfigEditor.deactivate(updated, base, rest);
                };
            } catch (ConfigSyntaxException e) {
                errors++;
                // config's column counts from the start of the statement words; the report counts from the line's start
                int column = e.column() > 0 ? restAt + e.column() : 1;
                report.append(source).append(':').append(n + 1).append(":(").append(column).append(") ")
                        .append(e.detail()).append('\n');
            }
        }
        if (!updated.equals(candidate)) config.updateCandidate(updated);
        return Reply.ok(report + "load complete" + (errors == 0 ? "" : " (" + errors + (errors == 1 ? " error)" : " errors)")) + "\n");
    }

    /** A bare {@code delete} in a loaded file: everything under {@code base}. */
    private static Node deleteAll(Node root, List<PathElement> base) throws ConfigSyntaxException {
        if (base.isEmpty()) return Node.root();
        return ConfigEditor.delete(root, List.of(), String.join(" ", ConfigEditor.words(base).stream().map(Words::quote).toList()));
    }
}
