package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpiTableTest {

    @Test
    void behavesLikeAHashMap() {
        qt().withExamples(200).forAll(lists().of(integers().between(-40, 40)).ofSizeBetween(0, 300))
                .checkAssert(SpiTableTest::behavesLikeAHashMap);
    }

    private static void behavesLikeAHashMap(final List<Integer> ops) {
        final SpiTable<String> t = new SpiTable<>(4);
        final Map<Integer, String> m = new HashMap<>();
        for (final int op : ops) {
            final int spi = op * 0x10001; // collide in low bits on purpose
            if (op >= 0) {
                assertEquals(m.put(spi, "v" + op), t.put(spi, "v" + op));
            } else {
                assertEquals(m.remove(-spi), t.remove(-spi));
            }
            assertEquals(m.size(), t.size());
        }
        for (int op = -40; op <= 40; op++) {
            assertEquals(m.get(op * 0x10001), t.get(op * 0x10001));
        }
    }
}
