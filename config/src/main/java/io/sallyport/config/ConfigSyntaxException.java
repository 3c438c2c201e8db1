package io.sallyport.config;

import java.util.List;

/**
 * A configuration text or command that cannot be understood, with where (line and column, 1-based;
 * 0 when not from a file) and under which statement path ({@code [edit services service-set S1]}).
 */
public final class ConfigSyntaxException extends Exception {

    private final String detail;
    private final int line;
    private final int column;
    private final List<String> path;

    public ConfigSyntaxException(String detail, int line, int column, List<String> path) {
        super(format(detail, line, column, path));
        this.detail = detail;
        this.line = line;
        this.column = column;
        this.path = List.copyOf(path);
    }

    static ConfigSyntaxException unknown(String token, List<String> path, List<SchemaNode> level) {
        return new ConfigSyntaxException("syntax error: unknown statement '" + token + "'; allowed here: "
            + Schema.allowedNames(level), 0, 0, path);
    }

    ConfigSyntaxException at(int atLine, int atColumn) {
        return line != 0 ? this : new ConfigSyntaxException(detail, atLine, atColumn, path);
    }

    public String detail() { return detail; }

    public int line() { return line; }

    public int column() { return column; }

    /** The statement path under which the error occurred, as words. */
    public List<String> path() { return path; }

    /** {@code [edit a b c]}, the Junos way of naming a hierarchy level. */
    public String editPath() { return editPath(path); }

    static String editPath(List<String> words) {
        return words.isEmpty() ? "[edit]" : "[edit " + String.join(" ", words) + "]";
    }

    private static String format(String detail, int line, int column, List<String> path) {
        String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
        return where + detail + " at " + editPath(path);
    }
}
