package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.sallyport.net.linux.BpfProgram.*;

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

    /** The lookup key on the stack: {@code u32 prefixlen} at fp-20, 16 address bytes at fp-16. */
    private static final int KEY = -20;
    private static final int ADDRESS = -16;

    private TunSteering() {
    }

    /** {@code r0 = 0; exit}. */
    static int loadQueueZero() {
        final BpfProgram p = new BpfProgram(2);
        p.insn(MOV64_IMM, R0, 0, 0, 0);
        p.insn(EXIT, 0, 0, 0, 0);
        return p.load(BpfProgram.TYPE_SOCKET_FILTER, 0, 0, "the TUN steering program");
    }

    /**
     * The program that steers by destination through {@code map} (a {@link BpfLpmMap}: a
     * reference to it is taken at load, so the map lives as long as the program).
     *
     * @throws HostNetworkException with the host's reason (and the verifier's last words)
     */
    static int loadByDestination(final BpfLpmMap map) {
        final BpfProgram p = new BpfProgram(34);
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
        return p.load(BpfProgram.TYPE_SOCKET_FILTER, 0, 0, "the TUN steering program by destination");
    }

    /** Six instructions: {@code r0 = bpf_skb_load_bytes(skb, offset, fp + to, length)}. */
    private static void loadBytes(final BpfProgram p, final int offset, final int to, final int length) {
        p.insn(MOV64_REG, R1, R6, 0, 0);
        p.insn(MOV64_IMM, R2, 0, 0, offset);
        p.insn(MOV64_REG, R3, FP, 0, 0);
        p.insn(ADD64_IMM, R3, 0, 0, to);
        p.insn(MOV64_IMM, R4, 0, 0, length);
        p.insn(CALL, 0, 0, 0, FUNC_SKB_LOAD_BYTES);
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
