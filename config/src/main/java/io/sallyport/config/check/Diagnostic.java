package io.sallyport.config.check;

import java.util.List;

/**
 * One commit-check finding in the Junos frame: the hierarchy level ({@code [edit services
 * service-set S1]}), the offending statement as written there, and the message.
 */
public record Diagnostic(Severity severity, List<String> level, String statement, String message) {

    public enum Severity { ERROR, WARNING }

    public Diagnostic { level = List.copyOf(level); }

    /** {@code [edit a b]} */
    public String editPath() {
        return level.isEmpty() ? "[edit]" : "[edit " + String.join(" ", level) + "]";
    }

    /** The three-line frame Junos prints for a failed constraint (warnings say so in the message). */
    public String format() {
        String text = severity == Severity.WARNING ? "warning: " + message : message;
        return editPath() + "\n  '" + statement + "'\n    " + text + "\n";
    }
}
