package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.sallyport.net.linux.BpfProgram.*;

/**
 * The XDP program on a device that hands plain ESP to AF_XDP sockets ({@link XskSocket}): an
 * Ethernet frame carrying an unfragmented IPv4 packet of protocol 50 addressed to the one local
 * address goes to the socket in the {@code BPF_MAP_TYPE_XSKMAP} slot of the receive queue it came
 * in on; every other frame (IKE, ESP in UDP, ARP, VLAN tags, fragments the kernel reassembles,
 * ESP on a queue without a socket) goes on to the kernel ({@code XDP_PASS}).
 *
 * <p>Attached through a BPF link ({@code BPF_LINK_CREATE}, attach type {@code BPF_XDP}): native
 * (driver) mode where the device has it, generic (skb) mode otherwise. The link lasts as long as
 * its descriptor: {@link #close} detaches, and so does the process's death (no program left behind
 * on a crash, unlike an {@code IFLA_XDP} attachment). Loaded with {@code BPF_F_XDP_HAS_FRAGS}: it
 * reads only the first 34 bytes, and on veth such a program lifts the peer's MTU limit of about
 * 3.5 KB that XDP otherwise sets.
 */
final class XdpEspRedirect implements AutoCloseable {

    /** How the program runs on the device. */
    enum Mode {
        /** In the driver, before an skb is built. */
        NATIVE,
        /** On the skb, where the driver has no XDP hook (costs more, works everywhere). */
        GENERIC
    }

    private static final int BPF_MAP_TYPE_XSKMAP = 17;
    private static final int XDP_FLAGS_SKB_MODE = 2;
    private static final int XDP_FLAGS_DRV_MODE = 4;
    private static final int XDP_PASS = 2;
    /** {@code struct xdp_md}: {@code data}, {@code data_end}, {@code rx_queue_index}. */
    private static final int MD_DATA = 0;
    private static final int MD_DATA_END = 4;
    private static final int MD_RX_QUEUE = 16;
    /** Ethernet header (14) + IPv4 header without options (20): the bytes the program reads. */
    private static final int HEADERS = 34;

    private final NativeFd map;
    private final NativeFd link;
    private final Mode mode;

    private XdpEspRedirect(final NativeFd map, final NativeFd link, final Mode mode) {
        this.map = map;
        this.link = link;
        this.mode = mode;
    }

    /**
     * Loads the program for ESP to {@code local} with a socket slot for each of {@code queues}
     * receive queues and attaches it to device {@code ifindex}: natively when {@code preferred}
     * and the driver can, generically otherwise.
     *
     * @throws HostNetworkException with the host's reason when neither attaches (no XDP, not
     *                              permitted, another program already there, ...)
     */
    static XdpEspRedirect attach(final int ifindex, final String device, final Inet4Address local, final int queues,
                                 final Mode preferred) {
        final NativeFd map = new NativeFd(createMap(queues));
        try {
            final int program = load(map.fd(), local);
            try {
                long nativeLink = -Libc.EINVAL;
                if (preferred == Mode.NATIVE) {
                    nativeLink = link(program, ifindex, XDP_FLAGS_DRV_MODE);
                    if (nativeLink >= 0) {
                        return new XdpEspRedirect(map, new NativeFd((int) nativeLink), Mode.NATIVE);
                    }
                }
                final long genericLink = link(program, ifindex, XDP_FLAGS_SKB_MODE);
                if (genericLink >= 0) {
                    return new XdpEspRedirect(map, new NativeFd((int) genericLink), Mode.GENERIC);
                }
                throw new HostNetworkException(Libc.describe("bpf(BPF_LINK_CREATE) XDP on " + device
                        + (preferred == Mode.NATIVE ? " (native: " + Libc.strerror((int) -nativeLink) + "; generic)" : ""),
                        (int) -genericLink));
            } finally {
                Libc.close(program);
            }
        } catch (final RuntimeException e) {
            map.close();
            throw e;
        }
    }

    Mode mode() {
        return mode;
    }

    /** ESP arriving on {@code queue} goes to the AF_XDP socket {@code xskFd} (bound to that queue) from now on. */
    void bind(final int queue, final int xskFd) {
        try (Arena arena = Arena.ofConfined()) {
            Bpf.update(map.fd(), arena.allocateFrom(ValueLayout.JAVA_INT, queue), arena.allocateFrom(ValueLayout.JAVA_INT, xskFd),
                    "XSKMAP queue " + queue);
        }
    }

    private static int createMap(final int queues) {
        return Bpf.createMap(BPF_MAP_TYPE_XSKMAP, 4, 4, queues, 0, "an XSKMAP");
    }

    /** {@code BPF_LINK_CREATE}: the link's descriptor, or minus the errno. */
    private static long link(final int program, final int ifindex, final int flags) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = Bpf.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, program);
            attr.set(ValueLayout.JAVA_INT, 4, ifindex);
            attr.set(ValueLayout.JAVA_INT, 8, ATTACH_XDP);
            attr.set(ValueLayout.JAVA_INT, 12, flags);
            return Bpf.call(Bpf.LINK_CREATE, attr);
        }
    }

    /**
     * {@code if (frame holds the headers && ethertype IPv4 && protocol 50 && !(MF || offset) &&
     * destination == local) return bpf_redirect_map(xsks, rx_queue_index, XDP_PASS); return XDP_PASS}
     * (the redirect's flags are the action when the queue has no socket). Header fields are
     * compared as the host loads them: the constants are their network-order bytes read in the
     * host's order.
     */
    private static int load(final int mapFd, final Inet4Address local) {
        final int ipv4 = hostOrderShort(0x08, 0x00);
        final int fragment = hostOrderShort(0x3f, 0xff);
        final int destination = ByteBuffer.wrap(local.getAddress()).order(ByteOrder.nativeOrder()).getInt();
        final BpfProgram p = new BpfProgram(22);
        p.insn(LDX_MEM_W, R2, R1, MD_DATA, 0);            // 0: r2 = data
        p.insn(LDX_MEM_W, R3, R1, MD_DATA_END, 0);        // 1: r3 = data_end
        p.insn(MOV64_REG, R4, R2, 0, 0);                  // 2: r4 = data + 34
        p.insn(ADD64_IMM, R4, 0, 0, HEADERS);             // 3:
        p.insn(JGT_REG, R4, R3, 20 - 5, 0);               // 4: shorter -> pass
        p.insn(LDX_MEM_H, R5, R2, 12, 0);                 // 5: ethertype
        p.insn(JNE32_IMM, R5, 0, 20 - 7, ipv4);           // 6: not IPv4 -> pass
        p.insn(LDX_MEM_B, R5, R2, 14 + 9, 0);             // 7: protocol
        p.insn(JNE32_IMM, R5, 0, 20 - 9, Libc.IPPROTO_ESP); // 8: not ESP -> pass
        p.insn(LDX_MEM_H, R5, R2, 14 + 6, 0);             // 9: flags and fragment offset
        p.insn(AND64_IMM, R5, 0, 0, fragment);            // 10: MF and offset
        p.insn(JNE32_IMM, R5, 0, 20 - 12, 0);             // 11: a fragment -> pass (the kernel reassembles)
        p.insn(LDX_MEM_W, R5, R2, 14 + 16, 0);            // 12: destination
        p.insn(JNE32_IMM, R5, 0, 20 - 14, destination);   // 13: not ours -> pass
        p.insn(LDX_MEM_W, R2, R1, MD_RX_QUEUE, 0);        // 14: r2 = rx_queue_index
        p.insn(LD_IMM64, R1, PSEUDO_MAP_FD, 0, mapFd);    // 15-16: r1 = xsks
        p.insn(0, 0, 0, 0, 0);
        p.insn(MOV64_IMM, R3, 0, 0, XDP_PASS);            // 17: r3 = XDP_PASS when the slot is empty
        p.insn(CALL, 0, 0, 0, FUNC_REDIRECT_MAP);         // 18: r0 = XDP_REDIRECT or XDP_PASS
        p.insn(EXIT, 0, 0, 0, 0);                         // 19
        p.insn(MOV64_IMM, R0, 0, 0, XDP_PASS);            // 20: pass
        p.insn(EXIT, 0, 0, 0, 0);                         // 21
        return p.load(TYPE_XDP, F_XDP_HAS_FRAGS, ATTACH_XDP, "the XDP program for ESP to " + local.getHostAddress());
    }

    /** The 16-bit value a load of bytes {@code hi, lo} gives on this host. */
    private static int hostOrderShort(final int hi, final int lo) {
        return ByteBuffer.wrap(new byte[] {(byte) hi, (byte) lo}).order(ByteOrder.nativeOrder()).getShort() & 0xffff;
    }

    /** Detaches the program (the link's last reference) and frees the socket table. */
    @Override
    public void close() {
        link.close();
        map.close();
    }
}
