package io.sallyport.cli;

/**
 * What one command line produced: the text to print, how the command ended, and for errors about
 * one word, the column of that word in the command ({@code -1} otherwise) so the shell can put a
 * {@code ^} under it the way Junos does.
 */
public record Reply(String text, Status status, int caretColumn) {

    public enum Status { OK, ERROR, EXIT }

    public static Reply ok(String text) { return new Reply(text, Status.OK, -1); }

    public static Reply error(String text) { return new Reply(text, Status.ERROR, -1); }

    public static Reply exit(String text) { return new Reply(text, Status.EXIT, -1); }

    /** An error about the word at {@code column} of the command line. */
    public static Reply errorAt(int column, String text) { return new Reply(text, Status.ERROR, column); }

    public boolean failed() { return status == Status.ERROR; }

}
