package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.OptionalInt;

/**
 * An eBPF longest-prefix-match table from IP prefixes to a 32-bit value ({@code BPF_MAP_TYPE_LPM_TRIE},
 * {@code BPF_F_NO_PREALLOC}: entries cost memory only when present), made and changed with
 * {@code bpf(2)} through FFM. One table holds IPv4 and IPv6: a key is {@code struct
 * bpf_lpm_trie_key} with 16 address bytes, an IPv4 prefix stored as its IPv4-mapped IPv6 prefix
 * ({@code ::ffff:a.b.c.d}, length + 96), as {@link TunSteering}'s program builds its keys.
 * Changed by one thread (the descriptor's owner); the kernel's lookups run beside it.
 */
final class BpfLpmMap implements AutoCloseable {
    private static final int BPF_MAP_TYPE_LPM_TRIE = 11;
    private static final int BPF_F_NO_PREALLOC = 1;
    /** {@code u32 prefixlen} (host order), then the address in network order. */
    static final int KEY_SIZE = 4 + 16;
    private static final int VALUE_SIZE = 4;

    private final NativeFd fd;
    private final int maxEntries;

    private BpfLpmMap(final int fd, final int maxEntries) {
        this.fd = new NativeFd(fd);
        this.maxEntries = maxEntries;
    }

    /**
     * A new empty table of at most {@code maxEntries} prefixes.
     *
     * @throws HostNetworkException with the host's reason (no bpf(2), not permitted, no LPM tries, ...)
     */
    static BpfLpmMap create(final int maxEntries) {
        return new BpfLpmMap(Bpf.createMap(BPF_MAP_TYPE_LPM_TRIE, KEY_SIZE, VALUE_SIZE, maxEntries, BPF_F_NO_PREALLOC,
                "an LPM trie"), maxEntries);
    }

    int fd() {
        return fd.fd();
    }

    int maxEntries() {
        return maxEntries;
    }

    /**
     * Packets to {@code prefix} map to {@code value} from now on (an entry for the same prefix is
     * replaced).
     *
     * @throws HostNetworkException with the host's reason (E2BIG: the table is full)
     */
    void put(final IpPrefix prefix, final int value) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment key = key(arena, prefix.address(), prefix.length());
            Bpf.update(fd.fd(), key, arena.allocateFrom(ValueLayout.JAVA_INT, value), prefix.toString());
        }
    }

    /** Removes {@code prefix}'s entry; false when it had none. */
    boolean remove(final IpPrefix prefix) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = Bpf.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, fd.fd());
            attr.set(ValueLayout.JAVA_LONG, 8, key(arena, prefix.address(), prefix.length()).address());
            final long rc = Bpf.call(Bpf.MAP_DELETE_ELEM, attr);
            if (rc == -Bpf.ENOENT) {
                return false;
            }
            if (rc < 0) {
                throw new HostNetworkException(Libc.describe("bpf(BPF_MAP_DELETE_ELEM) " + prefix, (int) -rc));
            }
            return true;
        }
    }

    /** The value of the longest prefix holding {@code address}, as the steering program finds it. */
    OptionalInt lookup(final InetAddress address) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment val = arena.allocate(VALUE_SIZE, 4);
            final MemorySegment attr = Bpf.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, fd.fd());
            attr.set(ValueLayout.JAVA_LONG, 8, key(arena, address, address instanceof Inet4Address ? 32 : 128).address());
            attr.set(ValueLayout.JAVA_LONG, 16, val.address());
            final long rc = Bpf.call(Bpf.MAP_LOOKUP_ELEM, attr);
            if (rc == -Bpf.ENOENT) {
                return OptionalInt.empty();
            }
            if (rc < 0) {
                throw new HostNetworkException(Libc.describe("bpf(BPF_MAP_LOOKUP_ELEM) " + address.getHostAddress(), (int) -rc));
            }
            return OptionalInt.of(val.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /** {@code struct bpf_lpm_trie_key}: IPv4 as IPv4-mapped IPv6. */
    private static MemorySegment key(final Arena arena, final InetAddress address, final int length) {
        final MemorySegment key = arena.allocate(KEY_SIZE, 4);
        final byte[] raw = address.getAddress();
        if (raw.length == 4) {
            key.set(ValueLayout.JAVA_INT, 0, 96 + length);
            key.set(ValueLayout.JAVA_BYTE, 4 + 10, (byte) 0xff);
            key.set(ValueLayout.JAVA_BYTE, 4 + 11, (byte) 0xff);
            MemorySegment.copy(raw, 0, key, ValueLayout.JAVA_BYTE, 4 + 12, 4);
        } else {
            key.set(ValueLayout.JAVA_INT, 0, length);
            MemorySegment.copy(raw, 0, key, ValueLayout.JAVA_BYTE, 4, 16);
        }
        return key;
    }

    @Override
    public void close() {
        fd.close();
    }
}
