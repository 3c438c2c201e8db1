package io.sallyport.config.check;

import io.sallyport.config.model.Configuration;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a commit check: every finding, and the typed model when there are no errors
 * (warnings do not stop a commit).
 */
public record CheckResult(List<Diagnostic> diagnostics, Optional<Configuration> configuration) {

    public static final String COMMIT_FAILED = "error: commit failed: (statements constraint check failed)";
    public static final String CHECK_SUCCEEDS = "configuration check succeeds";

    public CheckResult { diagnostics = List.copyOf(diagnostics); }

    public boolean succeeded() { return errors().isEmpty(); }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
    }

    public List<Diagnostic> warnings() {
        return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
    }

    /**
     * What {@code commit check} prints: warnings, then errors, then the failure line; or the
     * warnings and {@value #CHECK_SUCCEEDS}.
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : warnings()) sb.append(d.format());
        for (Diagnostic d : errors()) sb.append(d.format());
        sb.append(succeeded() ? CHECK_SUCCEEDS : COMMIT_FAILED).append('\n');
        return sb.toString();
    }

    /** Only the error frames and the failure line (empty when the check succeeded). */
    public String renderErrors() {
        if (succeeded()) return "";
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : errors()) sb.append(d.format());
        return sb.append(COMMIT_FAILED).append('\n').toString();
    }
}
