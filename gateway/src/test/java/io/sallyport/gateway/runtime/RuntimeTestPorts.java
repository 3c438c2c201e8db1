package io.sallyport.gateway.runtime;

import io.sallyport.net.PortCounters;
import io.sallyport.net.TunPort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test doubles the runtime's worker tests share. */
final class RuntimeTestPorts {
    private RuntimeTestPorts() {
    }

    /** A waiter for agents stepped by the test itself: nothing sleeps. */
    static final Waiter NO_SLEEP = new Waiter() {
        @Override public void await(long timeoutMillis) { }
        @Override public void ignore(Object port, boolean ignored) { }
        @Override public void wake() { }
        @Override public void close() { }
    };

    /** A TUN port that records what is written into it, and, in {@code events}, each write and flush in order. */
    static final class RecordingTun implements TunPort {
        final List<byte[]> written = new ArrayList<>();
        final List<Object> events = new ArrayList<>();
        boolean closed;

        @Override public int read(byte[] buf, int off, int maxLen) { return -1; }
        @Override public boolean write(byte[] buf, int off, int len) {
            byte[] packet = Arrays.copyOfRange(buf, off, off + len);
            written.add(packet);
            events.add(packet);
            return true;
        }
        @Override public void flush() { events.add("flush"); }
        @Override public boolean awaitReadable(long timeoutMillis) { return false; }
        @Override public PortCounters counters() { return new PortCounters(); }
        @Override public String name() { return "test0"; }
        @Override public int mtu() { return 1500; }
        @Override public boolean deleted() { return false; }
        @Override public void reattach() { }
        @Override public void close() { closed = true; }
    }
}
