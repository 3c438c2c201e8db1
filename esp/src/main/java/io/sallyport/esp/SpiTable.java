package io.sallyport.esp;

import java.util.Arrays;

/**
 * SPI to value map for one worker: open addressing with linear probing on an int key, no boxing.
 * Grows at 50% load; removals use backward-shift deletion so lookups never meet tombstones.
 * Owned by one thread (installs arrive through the worker's command queue).
 */
public final class SpiTable<T> {
    private int[] keys;
    private Object[] values;
    private int size;
    private int mask;

    public SpiTable() {
        this(16);
    }

    public SpiTable(final int initialCapacity) {
        final int cap = Integer.highestOneBit(Math.max(4, initialCapacity) * 2 - 1);
        keys = new int[cap];
        values = new Object[cap];
        mask = cap - 1;
    }

    private static int hash(final int spi) {
        final int h = spi * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @SuppressWarnings("unchecked")
    public T get(final int spi) {
        int i = hash(spi) & mask;
        while (values[i] != null) {
            if (keys[i] == spi) {
                return (T) values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Installs or replaces; returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public T put(final int spi, final T value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = hash(spi) & mask;
        while (values[i] != null) {
            if (keys[i] == spi) {
                final T old = (T) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        keys[i] = spi;
        values[i] = value;
        size++;
        return null;
    }

    @SuppressWarnings("unchecked")
    public T remove(final int spi) {
        int i = hash(spi) & mask;
        while (values[i] != null) {
            if (keys[i] == spi) {
                final T old = (T) values[i];
                shiftBack(i);
                size--;
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public int size() { return size; }

    private void shiftBack(final int removed) {
        int gap = removed;
        int i = removed;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == null) {
                break;
            }
            final int home = hash(keys[i]) & mask;
            // Move the entry back if its home is not cyclically in (gap, i].
            final boolean between = gap <= i ? (home > gap && home <= i) : (home > gap || home <= i);
            if (!between) {
                keys[gap] = keys[i];
                values[gap] = values[i];
                gap = i;
            }
        }
        values[gap] = null;
        keys[gap] = 0;
    }

    private void grow() {
        final int[] oldKeys = keys;
        final Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                insertFresh(oldKeys[i], oldValues[i]);
            }
        }
        Arrays.fill(oldValues, null);
    }

    private void insertFresh(final int spi, final Object value) {
        int i = hash(spi) & mask;
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = spi;
        values[i] = value;
        size++;
    }
}
