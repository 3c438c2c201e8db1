package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SpiTableTest {

    @Property(tries = 200)
    void behavesLikeAHashMap(@ForAll @Size(max = 300) final List<@IntRange(min = -40, max = 40) Integer> ops) {
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
