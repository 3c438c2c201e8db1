package io.sallyport.net.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Classic BPF instructions ({@code struct sock_filter}: u16 code, u8 jt, u8 jf, u32 k), packed
 * into a long each, and the programs the UDP and raw ESP ports attach.
 */
final class ClassicBpf {
    private static final int LD_W_LEN = 0x80;   // BPF_LD | BPF_W | BPF_LEN: A = the packet's length
    private static final int LD_W_ABS = 0x20;   // BPF_LD | BPF_W | BPF_ABS: A = 4 bytes at k, big-endian
    private static final int JGE_K = 0x35;      // BPF_JMP | BPF_JGE | BPF_K
    private static final int JEQ_K = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
    private static final int MOD_K = 0x94;      // BPF_ALU | BPF_MOD | BPF_K: A = A % k, unsigned
    private static final int RET_A = 0x16;      // BPF_RET | BPF_A
    private static final int RET_K = 0x06;      // BPF_RET | BPF_K

    private ClassicBpf() {
    }

    static long insn(final int code, final int jt, final int jf, final int k) {
        return (long) (code & 0xFFFF) << 48 | (long) (jt & 0xFF) << 40 | (long) (jf & 0xFF) << 32 | (k & 0xFFFF_FFFFL);
    }

    /** {@code ret #k}. */
    static long ret(final int k) {
        return insn(RET_K, 0, 0, k);
    }

    /** Writes one packed instruction as a {@code struct sock_filter} at {@code offset}. */
    static void write(final long insn, final MemorySegment to, final long offset) {
        to.set(ValueLayout.JAVA_SHORT, offset, (short) (insn >>> 48));
        to.set(ValueLayout.JAVA_BYTE, offset + 2, (byte) (insn >>> 40));
        to.set(ValueLayout.JAVA_BYTE, offset + 3, (byte) (insn >>> 32));
        to.set(ValueLayout.JAVA_INT, offset + 4, (int) insn);
    }

    /**
     * The reuseport program of a steered group of {@code receivers} sockets
     * ({@code SO_ATTACH_REUSEPORT_CBPF}; the kernel runs it with the UDP header already pulled, so
     * offset 0 is the payload, and takes the result as an index into the group's sockets in the
     * order they joined): {@link io.sallyport.net.SpiSteering#receiverOf(byte[], int, int, int)}.
     * <pre>
     *   A = len; if A &lt; 4 return 0          keepalives and runts to socket 0
     *   A = payload[0..4); if A == 0 return 0  IKE's non-ESP marker to socket 0
     *   return A % receivers                   ESP to the socket of its SPI
     * </pre>
     */
    static long[] spiSteering(final int receivers) {
        if (receivers < 2) {
            throw new IllegalArgumentException("a steered group needs two or more receivers: " + receivers);
        }
        return new long[] {
            insn(LD_W_LEN, 0, 0, 0),
            insn(JGE_K, 0, 4, 4),
            insn(LD_W_ABS, 0, 0, 0),
            insn(JEQ_K, 2, 0, 0),
            insn(MOD_K, 0, 0, receivers),
            insn(RET_A, 0, 0, 0),
            ret(0),
        };
    }
}
