package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;

import static io.sallyport.config.check.Findings.leaf;

/** Mutual exclusions shared by service-set options and rule terms (reference §3.1). */
final class Exclusions {

    static final String CLEAR = "'clear' option can not be configured if either of 'copy' or 'set' is already configured";
    static final String COPY = "'copy' option can not be configured if either of 'clear' or 'set' is already configured";
    static final String SET = "'set' option can not be configured if either of 'clear' or 'copy' is already configured";
    static final String WINDOW_WITH_NO_REPLAY = "no-anti-replay must not be defined";
    static final String NO_REPLAY_WITH_WINDOW = "anti-replay-window-size must not be defined";

    private Exclusions() {}

    static void dfBits(Node n, List<String> level, Findings f) {
        boolean clear = n.has("clear-dont-fragment-bit");
        boolean copy = n.has("copy-dont-fragment-bit");
        boolean set = n.has("set-dont-fragment-bit");
        if (clear && (copy || set)) f.error(level, "clear-dont-fragment-bit", CLEAR);
        if (copy && (clear || set)) f.error(level, "copy-dont-fragment-bit", COPY);
        if (set && (clear || copy)) f.error(level, "set-dont-fragment-bit", SET);
    }

    static void antiReplay(Node n, List<String> level, Findings f) {
        if (n.has("anti-replay-window-size") && n.has("no-anti-replay")) {
            f.error(level, leaf(n, "anti-replay-window-size"), WINDOW_WITH_NO_REPLAY);
            f.error(level, "no-anti-replay", NO_REPLAY_WITH_WINDOW);
        }
    }
}
