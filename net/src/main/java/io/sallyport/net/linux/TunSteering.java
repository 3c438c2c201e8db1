package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Queue steering of a multi-queue TUN device. The kernel's own choice (a flow hash, or the queue
 * a flow's packets were last written from) would send host traffic to queues nobody reads, and
 * one tunnel's flows to several workers. {@code TUNSETSTEERINGEBPF} takes an eBPF program of type
 * socket filter whose return value, modulo the queue count, is the queue (drivers/net/tun.c,
 * {@code tun_ebpf_select_queue}); programs are loaded with {@code bpf(BPF_PROG_LOAD)}, assembled
 * here by hand (a few instructions; no compiler, no libbpf):
 *
 * <ul>
 *   <li>{@link #loadQueueZero}: {@code r0 = 0; exit}: everything to queue 0.
 *   <li>{@link #loadByDestination}: the queue a {@link BpfLpmMap} gives the packet's destination
 *       (IPv4 as IPv4-mapped IPv6, IPv6 as is); no entry, another IP version, or a packet too
 *       short: queue 0.
 * </ul>
 *
 * The skb a TUN device's {@code ndo_select_queue} sees starts at the IP header (no link header), so
 * offset 0 is the version nibble, 16 the IPv4 destination, 24 the IPv6 one.
 */
final class TunSteering {
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    private static final int ATTR_PROG_TYPE = 0;
    private static final int ATTR_INSN_CNT = 4;
    private static final int ATTR_INSNS = 8;
    private static final int ATTR_LICENSE = 16;
    private static final int ATTR_LOG_LEVEL = 24;
    private static final int ATTR_LOG_SIZE = 28;
    private static final int ATTR_LOG_BUF = 32;
    private static final int LOG_BYTES = 1 << 16;

    // Opcodes (include/uapi/linux/bpf.h, Documentation/bpf/standardization/instruction-set.rst).
    private static final int MOV64_IMM = 0xb7;   // BPF_ALU64 | BPF_MOV | BPF_K
    private static final int MOV64_REG = 0xbf;   // BPF_ALU64 | BPF_MOV | BPF_X
    private static final int ADD64_IMM = 0x07;   // BPF_ALU64 | BPF_ADD | BPF_K
    private static final int RSH64_IMM = 0x77;   // BPF_ALU64 | BPF_RSH | BPF_K
    private static final int LD_ABS_B = 0x30;    // BPF_LD | BPF_ABS | BPF_B: r0 = skb byte at imm (r6 = skb)
    private static final int LD_IMM64 = 0x18;    // BPF_LD | BPF_IMM | BPF_DW, two slots
    private static final int LDX_MEM_W = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    private static final int ST_MEM_W = 0x62;    // BPF_ST | BPF_MEM | BPF_W
    private static final int ST_MEM_H = 0x6a;
    private static final int ST_MEM_DW = 0x7a;
    private static final int JA = 0x05;
    private static final int JEQ_IMM = 0x15;
    private static final int JNE_IMM = 0x55;
    private static final int CALL = 0x85;
    private static final int EXIT = 0x95;
    /** {@code src_reg} of a {@link #LD_IMM64} whose immediate is a map descriptor. */
    private static final int PSEUDO_MAP_FD = 1;
    private static final int FUNC_MAP_LOOKUP_ELEM = 1;
    private static final int FUNC_SKB_LOAD_BYTES = 26;
    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R2 = 2;
    private static final int R3 = 3;
    private static final int R4 = 4;
    private static final int R6 = 6;
    private static final int FP = 10;
    /** The lookup key on the stack: {@code u32 prefixlen} at fp-20, 16 address bytes at fp-16. */
    private static final int KEY = -20;
    private static final int ADDRESS = -16;

    private TunSteering() {
    }

    /** {@code r0 = 0; exit}. */
    static int loadQueueZero() {
        final Program p = new Program(2);
        p.insn(MOV64_IMM, R0, 0, 0, 0);
        p.insn(EXIT, 0, 0, 0, 0);
        return p.load("the TUN steering program");
    }

    /**
     * The program that steers by destination through {@code map} (a {@link BpfLpmMap}: a
     * reference to it is taken at load, so the map lives as long as the program).
     *
     * @throws HostNetworkException with the host's reason (and the verifier's last words)
     */
    static int loadByDestination(final BpfLpmMap map) {
        final Program p = new Program(34);
        p.insn(MOV64_REG, R6, R1, 0, 0);                  // 0: r6 = skb (LD_ABS reads it)
        p.insn(LD_ABS_B, 0, 0, 0, 0);                      // 1: r0 = version/IHL byte (short packet: exits with 0)
        p.insn(RSH64_IMM, R0, 0, 0, 4);                    // 2: r0 = version
        p.insn(JEQ_IMM, R0, 0, 13 - 4, 4);                 // 3: IPv4 -> 13
        p.insn(JNE_IMM, R0, 0, 32 - 5, 6);                 // 4: neither -> miss
        loadBytes(p, 24, ADDRESS, 16);                     // 5-10: IPv6 destination into the key
        p.insn(JNE_IMM, R0, 0, 32 - 12, 0);                // 11: could not -> miss
        p.insn(JA, 0, 0, 23 - 13, 0);                      // 12: -> lookup
        p.insn(ST_MEM_DW, FP, 0, ADDRESS, 0);              // 13: ::ffff:a.b.c.d: ten zero bytes,
        p.insn(ST_MEM_H, FP, 0, ADDRESS + 8, 0);           // 14:
        p.insn(ST_MEM_H, FP, 0, ADDRESS + 10, 0xffff);     // 15: 0xff 0xff,
        loadBytes(p, 16, ADDRESS + 12, 4);                 // 16-21: then the IPv4 destination
        p.insn(JNE_IMM, R0, 0, 32 - 23, 0);                // 22: could not -> miss
        p.insn(ST_MEM_W, FP, 0, KEY, 128);                 // 23: lookup: prefixlen 128
        p.insn(LD_IMM64, R1, PSEUDO_MAP_FD, 0, map.fd());  // 24-25: r1 = map
        p.insn(0, 0, 0, 0, 0);
        p.insn(MOV64_REG, R2, FP, 0, 0);                   // 26: r2 = &key
        p.insn(ADD64_IMM, R2, 0, 0, KEY);                  // 27:
        p.insn(CALL, 0, 0, 0, FUNC_MAP_LOOKUP_ELEM);       // 28: r0 = &queue or null
        p.insn(JEQ_IMM, R0, 0, 32 - 30, 0);                // 29: no entry -> miss
        p.insn(LDX_MEM_W, R0, R0, 0, 0);                   // 30: r0 = queue
        p.insn(EXIT, 0, 0, 0, 0);                          // 31
        p.insn(MOV64_IMM, R0, 0, 0, 0);                    // 32: miss: queue 0
        p.insn(EXIT, 0, 0, 0, 0);                          // 33
        return p.load("the TUN steering program by destination");
    }

    /** Six instructions: {@code r0 = bpf_skb_load_bytes(skb, offset, fp + to, length)}. */
    private static void loadBytes(final Program p, final int offset, final int to, final int length) {
        p.insn(MOV64_REG, R1, R6, 0, 0);
        p.insn(MOV64_IMM, R2, 0, 0, offset);
        p.insn(MOV64_REG, R3, FP, 0, 0);
        p.insn(ADD64_IMM, R3, 0, 0, to);
        p.insn(MOV64_IMM, R4, 0, 0, length);
        p.insn(CALL, 0, 0, 0, FUNC_SKB_LOAD_BYTES);
    }

    /** Instructions being assembled: {@code struct bpf_insn}, 8 bytes each, in the host's byte order. */
    private static final class Program {
        private final byte[] code;
        private int count;

        Program(final int instructions) {
            code = new byte[instructions * 8];
        }

        void insn(final int opcode, final int dst, final int src, final int off, final int imm) {
            final MemorySegment at = MemorySegment.ofArray(code).asSlice(count++ * 8L, 8);
            at.set(ValueLayout.JAVA_BYTE, 0, (byte) opcode);
            at.set(ValueLayout.JAVA_BYTE, 1, (byte) (src << 4 | dst));
            at.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) off);
            at.set(ValueLayout.JAVA_INT_UNALIGNED, 4, imm);
        }

        /** Loads it as a socket filter; returns its descriptor (the caller closes it; an attached device keeps its own reference). */
        int load(final String what) {
            if (count * 8 != code.length) {
                throw new IllegalStateException(what + ": " + count + " instructions, room for " + code.length / 8);
            }
            try (Arena arena = Arena.ofConfined()) {
                final MemorySegment insns = arena.allocate(code.length, 8);
                MemorySegment.copy(code, 0, insns, ValueLayout.JAVA_BYTE, 0, code.length);
                final MemorySegment license = arena.allocateFrom("Apache-2.0");
                final MemorySegment attr = Bpf.attr(arena);
                attr.set(ValueLayout.JAVA_INT, ATTR_PROG_TYPE, BPF_PROG_TYPE_SOCKET_FILTER);
                attr.set(ValueLayout.JAVA_INT, ATTR_INSN_CNT, count);
                attr.set(ValueLayout.JAVA_LONG, ATTR_INSNS, insns.address());
                attr.set(ValueLayout.JAVA_LONG, ATTR_LICENSE, license.address());
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

    /** {@code ioctl(TUNSETSTEERINGEBPF)} on a queue of the device: from now on the program picks the queue. */
    static void attach(final int queueFd, final int programFd, final String name) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final MemorySegment arg = arena.allocateFrom(ValueLayout.JAVA_INT, programFd);
            final int rc = (int) Libc.IOCTL.invokeExact(state, queueFd, Libc.TUNSETSTEERINGEBPF, arg);
            if (rc < 0) {
                throw new HostNetworkException(Libc.describe("ioctl TUNSETSTEERINGEBPF " + name, Libc.errno(state)));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("TUN downcall failed", t);
        }
    }
}
