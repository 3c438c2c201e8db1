package io.sallyport.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Junos configuration text into tokens: words, quoted strings, {@code ; { } [ ]}, and (for
 * the set form, which is line based) ends of lines. {@code #} comments run to the end of the line,
 * {@code /* ... *}{@code /} comments may span lines; both are dropped, except that the brace form
 * keeps {@code /* *}{@code /} comments as tokens ({@link #tokenizeKeepingComments}): they are
 * annotations of the statement that follows.
 */
final class Lexer {

    enum Kind { WORD, STRING, SEMI, LBRACE, RBRACE, LBRACKET, RBRACKET, EOL, COMMENT }

    record Token(Kind kind, String text, int line, int column) {
        boolean isValue() { return kind == Kind.WORD || kind == Kind.STRING; }
    }

    private Lexer() {}

    static List<Token> tokenize(String text) throws ConfigSyntaxException {
        return tokenize(text, false);
    }

    /** Tokens with each {@code /* ... *}{@code /} comment as a COMMENT token holding its text, trimmed. */
    static List<Token> tokenizeKeepingComments(String text) throws ConfigSyntaxException {
        return tokenize(text, true);
    }

    private static List<Token> tokenize(String text, boolean comments) throws ConfigSyntaxException {
        List<Token> out = new ArrayList<>();
        int line = 1;
        int lineStart = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            int col = i - lineStart + 1;
            if (ch == '\n') {
                out.add(new Token(Kind.EOL, "\n", line, col));
                line++;
                lineStart = ++i;
            } else if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '#') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (ch == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) throw new ConfigSyntaxException("syntax error: unterminated /* comment", line, col, List.of());
                if (comments) out.add(new Token(Kind.COMMENT, text.substring(i + 2, end).strip(), line, col));
                for (int k = i; k < end; k++) {
                    if (text.charAt(k) == '\n') { line++; lineStart = k + 1; }
                }
                i = end + 2;
            } else if (ch == ';') {
                out.add(new Token(Kind.SEMI, ";", line, col)); i++;
            } else if (ch == '{') {
                out.add(new Token(Kind.LBRACE, "{", line, col)); i++;
            } else if (ch == '}') {
                out.add(new Token(Kind.RBRACE, "}", line, col)); i++;
            } else if (ch == '"') {
                StringBuilder sb = new StringBuilder();
                int startLine = line;
                i++;
                while (true) {
                    if (i >= n) throw new ConfigSyntaxException("syntax error: unterminated quoted string", startLine, col, List.of());
                    char c = text.charAt(i);
                    if (c == '\\' && i + 1 < n) { sb.append(text.charAt(i + 1)); i += 2; continue; }
                    if (c == '"') { i++; break; }
                    if (c == '\n') { line++; lineStart = i + 1; }
                    sb.append(c);
                    i++;
                }
                out.add(new Token(Kind.STRING, sb.toString(), startLine, col));
            } else {
                int start = i;
                while (i < n) {
                    char c = text.charAt(i);
                    if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}' || c == '"') break;
                    i++;
                }
                String word = text.substring(start, i);
                addWord(out, word, line, col);
            }
        }
        return out;
    }

    private static void addWord(List<Token> out, String word, int line, int col) {
        if (word.equals("[")) { out.add(new Token(Kind.LBRACKET, "[", line, col)); return; }
        if (word.equals("]")) { out.add(new Token(Kind.RBRACKET, "]", line, col)); return; }
        if (word.startsWith("[")) {
            out.add(new Token(Kind.LBRACKET, "[", line, col));
            addWord(out, word.substring(1), line, col + 1);
            return;
        }
        if (word.endsWith("]")) {
            addWord(out, word.substring(0, word.length() - 1), line, col);
            out.add(new Token(Kind.RBRACKET, "]", line, col + word.length() - 1));
            return;
        }
        out.add(new Token(Kind.WORD, word, line, col));
    }

    /** Quotes a value when the text form needs it (spaces, delimiters, empty). */
    static String quote(String v) {
        boolean plain = !v.isEmpty();
        for (int k = 0; k < v.length() && plain; k++) {
            char c = v.charAt(k);
            if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}' || c == '"' || c == '#' || c == '\\') plain = false;
        }
        if (plain && (v.startsWith("[") || v.endsWith("]") || v.startsWith("/*"))) plain = false;
        if (plain) return v;
        return quoteAlways(v);
    }

    /** A value in double quotes, as Junos prints secrets ({@code ascii-text "$9$..."}). */
    static String quoteAlways(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
