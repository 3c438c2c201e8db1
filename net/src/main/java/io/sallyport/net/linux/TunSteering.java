package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Queue steering of a multi-queue TUN device: everything the host routes into the device goes to
 * queue 0, so the other queues are written and never read. The kernel's own choice (a flow hash,
 * or the queue a flow's packets were last written from) would send host traffic to queues nobody
 * reads. {@code TUNSETSTEERINGEBPF} takes an eBPF program of type socket filter whose return
 * value, modulo the queue count, is the queue (drivers/net/tun.c, {@code tun_ebpf_select_queue});
 * this one is {@code r0 = 0; exit}, loaded with {@code bpf(BPF_PROG_LOAD)}.
 */
final class TunSteering {
    private static final long BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    /** {@code union bpf_attr} as this call passes it: zeroed past the fields set (the kernel checks). */
    private static final int ATTR_SIZE = 128;
    private static final int ATTR_PROG_TYPE = 0;
    private static final int ATTR_INSN_CNT = 4;
    private static final int ATTR_INSNS = 8;
    private static final int ATTR_LICENSE = 16;
    /** {@code BPF_ALU64 | BPF_MOV | BPF_K}, dst r0, imm 0; then {@code BPF_JMP | BPF_EXIT}. */
    private static final byte MOV64_IMM = (byte) 0xb7;
    private static final byte EXIT = (byte) 0x95;

    private TunSteering() {
    }

    /**
     * Loads the program; returns its descriptor (the caller closes it; the device keeps its own
     * reference once attached).
     *
     * @throws HostNetworkException with the host's reason (no bpf(2), not permitted, ...)
     */
    static int loadQueueZero() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final MemorySegment insns = arena.allocate(16, 8);
            insns.set(ValueLayout.JAVA_BYTE, 0, MOV64_IMM);
            insns.set(ValueLayout.JAVA_BYTE, 8, EXIT);
            final MemorySegment license = arena.allocateFrom("Apache-2.0");
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, ATTR_PROG_TYPE, BPF_PROG_TYPE_SOCKET_FILTER);
            attr.set(ValueLayout.JAVA_INT, ATTR_INSN_CNT, 2);
            attr.set(ValueLayout.JAVA_LONG, ATTR_INSNS, insns.address());
            attr.set(ValueLayout.JAVA_LONG, ATTR_LICENSE, license.address());
            final long fd = (long) Libc.SYSCALL.invokeExact(state, Libc.SYS_BPF, BPF_PROG_LOAD, attr.address(),
                    (long) ATTR_SIZE);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("bpf(BPF_PROG_LOAD) of the TUN steering program",
                        Libc.errno(state)));
            }
            return (int) fd;
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf downcall failed", t);
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
