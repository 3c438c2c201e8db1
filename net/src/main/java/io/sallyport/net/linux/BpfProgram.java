package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * An eBPF program being assembled by hand ({@code struct bpf_insn}, 8 bytes each, in the host's
 * byte order) and loaded with {@code bpf(BPF_PROG_LOAD)}: the few instructions {@link TunSteering}
 * and {@link XdpEspRedirect} need, no compiler, no libbpf.
 */
final class BpfProgram {
    static final int TYPE_SOCKET_FILTER = 1;
    static final int TYPE_XDP = 6;
    /** {@code BPF_F_XDP_HAS_FRAGS}: the program copes with frames in several buffers (it reads only the first). */
    static final int F_XDP_HAS_FRAGS = 1 << 5;
    /** {@code enum bpf_attach_type} {@code BPF_XDP}. */
    static final int ATTACH_XDP = 37;

    // Opcodes (include/uapi/linux/bpf.h, Documentation/bpf/standardization/instruction-set.rst).
    static final int MOV64_IMM = 0xb7;   // BPF_ALU64 | BPF_MOV | BPF_K
    static final int MOV64_REG = 0xbf;   // BPF_ALU64 | BPF_MOV | BPF_X
    static final int ADD64_IMM = 0x07;   // BPF_ALU64 | BPF_ADD | BPF_K
    static final int RSH64_IMM = 0x77;   // BPF_ALU64 | BPF_RSH | BPF_K
    static final int LD_ABS_B = 0x30;    // BPF_LD | BPF_ABS | BPF_B: r0 = skb byte at imm (r6 = skb)
    static final int LD_IMM64 = 0x18;    // BPF_LD | BPF_IMM | BPF_DW, two slots
    static final int LDX_MEM_W = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    static final int ST_MEM_W = 0x62;    // BPF_ST | BPF_MEM | BPF_W
    static final int ST_MEM_H = 0x6a;
    static final int ST_MEM_DW = 0x7a;
    static final int JA = 0x05;
    static final int JEQ_IMM = 0x15;
    static final int JNE_IMM = 0x55;
    static final int CALL = 0x85;
    static final int EXIT = 0x95;
    /** {@code src_reg} of a {@link #LD_IMM64} whose immediate is a map descriptor. */
    static final int PSEUDO_MAP_FD = 1;
    static final int FUNC_MAP_LOOKUP_ELEM = 1;
    static final int FUNC_SKB_LOAD_BYTES = 26;
    static final int R0 = 0;
    static final int R1 = 1;
    static final int R2 = 2;
    static final int R3 = 3;
    static final int R4 = 4;
    static final int R6 = 6;
    static final int FP = 10;
    static final int LDX_MEM_H = 0x69;   // BPF_LDX | BPF_MEM | BPF_H
    static final int LDX_MEM_B = 0x71;   // BPF_LDX | BPF_MEM | BPF_B
    static final int AND64_IMM = 0x57;   // BPF_ALU64 | BPF_AND | BPF_K
    static final int JGT_REG = 0x2d;     // BPF_JMP | BPF_JGT | BPF_X
    /** BPF_JMP32 | BPF_JNE | BPF_K: compares the low 32 bits, so an immediate with its top bit set is not sign-extended. */
    static final int JNE32_IMM = 0x56;
    static final int FUNC_REDIRECT_MAP = 51;
    static final int R5 = 5;

    private static final int ATTR_PROG_TYPE = 0;
    private static final int ATTR_INSN_CNT = 4;
    private static final int ATTR_INSNS = 8;
    private static final int ATTR_LICENSE = 16;
    private static final int ATTR_LOG_LEVEL = 24;
    private static final int ATTR_LOG_SIZE = 28;
    private static final int ATTR_LOG_BUF = 32;
    private static final int ATTR_PROG_FLAGS = 44;
    private static final int ATTR_EXPECTED_ATTACH_TYPE = 68;
    private static final int LOG_BYTES = 1 << 16;

    private final byte[] code;
    private int count;

    BpfProgram(final int instructions) {
        code = new byte[instructions * 8];
    }

    void insn(final int opcode, final int dst, final int src, final int off, final int imm) {
        final MemorySegment at = MemorySegment.ofArray(code).asSlice(count++ * 8L, 8);
        at.set(ValueLayout.JAVA_BYTE, 0, (byte) opcode);
        at.set(ValueLayout.JAVA_BYTE, 1, (byte) (src << 4 | dst));
        at.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) off);
        at.set(ValueLayout.JAVA_INT_UNALIGNED, 4, imm);
    }

    /**
     * Loads it as a program of {@code type}; returns its descriptor (the caller closes it; an
     * attached device or link keeps its own reference).
     *
     * @throws HostNetworkException with the host's reason (and the verifier's last words)
     */
    int load(final int type, final int flags, final int expectedAttachType, final String what) {
        if (count * 8 != code.length) {
            throw new IllegalStateException(what + ": " + count + " instructions, room for " + code.length / 8);
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, ValueLayout.JAVA_BYTE, 0, code.length);
            final MemorySegment license = arena.allocateFrom("Apache-2.0");
            final MemorySegment attr = Bpf.attr(arena);
            attr.set(ValueLayout.JAVA_INT, ATTR_PROG_TYPE, type);
            attr.set(ValueLayout.JAVA_INT, ATTR_INSN_CNT, count);
            attr.set(ValueLayout.JAVA_LONG, ATTR_INSNS, insns.address());
            attr.set(ValueLayout.JAVA_LONG, ATTR_LICENSE, license.address());
            attr.set(ValueLayout.JAVA_INT, ATTR_PROG_FLAGS, flags);
            attr.set(ValueLayout.JAVA_INT, ATTR_EXPECTED_ATTACH_TYPE, expectedAttachType);
            final long fd = Bpf.call(Bpf.PROG_LOAD, attr);
            if (fd >= 0) {
                return (int) fd;
            }
            throw new HostNetworkException(Libc.describe("bpf(BPF_PROG_LOAD) of " + what, (int) -fd)
                    + verifierSays(arena, attr));
        }
    }

    /** Loads again with the verifier's log on, for its last line (why it refused), or nothing. */
    private static String verifierSays(final Arena arena, final MemorySegment attr) {
        final MemorySegment log = arena.allocate(LOG_BYTES);
        attr.set(ValueLayout.JAVA_INT, ATTR_LOG_LEVEL, 1);
        attr.set(ValueLayout.JAVA_INT, ATTR_LOG_SIZE, LOG_BYTES);
        attr.set(ValueLayout.JAVA_LONG, ATTR_LOG_BUF, log.address());
        final long fd = Bpf.call(Bpf.PROG_LOAD, attr);
        if (fd >= 0) {
            Libc.close((int) fd);
            return "";
        }
        final String text = log.getString(0, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : "; verifier: " + text.substring(text.lastIndexOf('\n') + 1);
    }
}
