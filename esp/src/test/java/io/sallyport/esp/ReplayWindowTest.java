package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayWindowTest {

    /** RFC 4303 §3.4.3 as literally as possible: a set of seen numbers and the highest one. */
    static final class NaiveWindow {
        final int size;
        final Set<Long> seen = new HashSet<>();
        long top;

        NaiveWindow(final int size) {
            this.size = size;
        }

        int check(final long seq) {
            if (seq == 0 || (seq <= top && top - seq >= size)) {
                return ReplayWindow.TOO_OLD;
            }
            return seen.contains(seq) ? ReplayWindow.REPLAYED : ReplayWindow.OK;
        }

        void accept(final long seq) {
            seen.add(seq);
            top = Math.max(top, seq);
        }
    }

    @Test
    @DisplayName("RFC 6479 bitmap agrees with a naive set model on random sequences")
    void agreesWithNaiveModel() {
        qt().withExamples(300)
                .forAll(integers().between(64, 4096), lists().of(longs().between(0, 20_000)).ofSizeBetween(0, 400),
                        longs().between(0, 1L << 40))
                .checkAssert(ReplayWindowTest::agreesWithNaiveModel);
    }

    private static void agreesWithNaiveModel(final int size, final List<Long> seqs, final long base) {
        final ReplayWindow w = new ReplayWindow(size);
        final NaiveWindow n = new NaiveWindow(size);
        for (final long s0 : seqs) {
            final long s = s0 == 0 ? 0 : s0 + base;
            final int expected = n.check(s);
            assertEquals(expected, w.check(s), () -> "seq " + s);
            if (expected == ReplayWindow.OK) {
                w.accept(s);
                n.accept(s);
            }
        }
    }

    @ParameterizedTest(name = "{index}: window {0}, accept {1}, check {2} -> {3}")
    @DisplayName("RFC 4303 §3.4.3 table")
    @CsvSource(delimiterString = "|", value = {
        "64  | 1          | 1    | 1",
        "64  | 1          | 2    | 0",
        "64  | 1 2 3      | 2    | 1",
        "64  | 100        | 37   | 0",
        "64  | 100        | 36   | 2",
        "64  | 100        | 0    | 2",
        "128 | 1000       | 873  | 0",
        "128 | 1000       | 872  | 2",
        "128 | 1000 999   | 999  | 1",
        "128 | 5 1000     | 5    | 2",
        "4096| 10000 5905 | 5905 | 1",
        "4096| 10000      | 5904 | 2",
        "64  | 64 128 192 | 129  | 0",
        "64  | 1 200      | 137  | 0",
    })
    void table(final int size, final String accepted, final long check, final int expected) {
        final ReplayWindow w = new ReplayWindow(size);
        for (final String s : accepted.trim().split(" +")) {
            w.accept(Long.parseLong(s));
        }
        assertEquals(expected, w.check(check));
    }
}
