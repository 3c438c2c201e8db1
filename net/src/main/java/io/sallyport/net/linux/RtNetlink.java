package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * An rtnetlink socket ({@code NETLINK_ROUTE}, no multicast groups) that sends one
 * {@link RtRequest} at a time and waits, bounded, for the kernel's acknowledgement. It belongs to
 * the network namespace it was opened in, and so do the device names it resolves (with
 * {@code SIOCGIFINDEX} on the socket itself, which the kernel answers in the socket's namespace,
 * unlike {@code if_nametoindex}, which asks in the calling thread's). Requests are serialised: an
 * acknowledgement is matched by sequence number, and answers to a request that timed out are
 * skipped.
 */
final class RtNetlink implements AutoCloseable {

    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_NETLINK = 270;
    /** The kernel adds its reason to an error ({@code NLMSGERR_ATTR_MSG}), e.g. "Nexthop has invalid gateway". */
    private static final int NETLINK_EXT_ACK = 11;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final long SIOCGIFINDEX = 0x8933L;
    /** How long a request may wait for its answer; the kernel answers within the send, normally. */
    private static final long ANSWER_TIMEOUT_MILLIS = 5_000;

    private final NativeFd fd;
    private final MemorySegment ifreq;
    private final byte[] answers = new byte[8 * 1024];
    private int sequence;

    private RtNetlink(final NativeFd fd) {
        this.fd = fd;
        this.ifreq = fd.arena().allocate(Libc.IFREQ_SIZE);
    }

    /**
     * Opens the socket in the calling thread's network namespace.
     *
     * @throws HostNetworkException when the host gives this process no rtnetlink socket
     */
    static RtNetlink open() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_NETLINK,
                    Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("socket NETLINK_ROUTE", Libc.errno(state)));
            }
            final MemorySegment address = arena.allocate(SOCKADDR_NL_SIZE, 4);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            if ((int) Libc.BIND.invokeExact(state, fd, address, SOCKADDR_NL_SIZE) < 0) {
                final int errno = Libc.errno(state);
                Libc.close(fd);
                throw new HostNetworkException(Libc.describe("bind NETLINK_ROUTE", errno));
            }
            // Without it (kernels before 4.12) errors come without the kernel's reason: still usable.
            final int ignored = Libc.setIntOption(state, fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, arena);
            return new RtNetlink(new NativeFd(fd));
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
    }

    /**
     * The index of {@code device} in the socket's namespace.
     *
     * @param command the {@code ip} command this is for, named in the error
     * @throws HostNetworkException {@code 'COMMAND' failed: Cannot find device "NAME"}, as ip says
     */
    synchronized int deviceIndex(final String device, final Supplier<String> command) {
        if (device.isEmpty() || device.length() >= Libc.IFNAMSIZ) {
            throw new HostNetworkException(failure(command, "Cannot find device \"" + device + "\""));
        }
        ifreq.fill((byte) 0);
        Libc.putIfName(ifreq, device);
        final int rc;
        try {
            rc = (int) Libc.IOCTL.invokeExact(fd.sendState, fd.fd(), SIOCGIFINDEX, ifreq);
        } catch (final Throwable t) {
            throw new IllegalStateException("ioctl downcall failed", t);
        }
        if (rc < 0) {
            final int errno = Libc.errno(fd.sendState);
            throw new HostNetworkException(failure(command, errno == Libc.ENODEV
                    ? "Cannot find device \"" + device + "\"" : reason(errno, Optional.empty())));
        }
        return ifreq.get(ValueLayout.JAVA_INT, Libc.IFREQ_UNION_OFFSET);
    }

    /**
     * Sends {@code request} and waits for its acknowledgement.
     *
     * @param command the same change as an {@code ip} command line, named in the error
     * @throws HostNetworkException {@code 'COMMAND' failed: REASON}, REASON being the errno's text
     *     ("File exists", "No such process", ...), the kernel's own explanation in parentheses
     *     when it gave one
     */
    synchronized void execute(final RtRequest request, final Supplier<String> command) {
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        final byte[] message = request.encode(sequence);
        final long sent = write(message);
        if (sent != message.length) {
            throw new HostNetworkException(failure(command, sent < 0
                    ? reason(Libc.errno(fd.sendState), Optional.empty()) : "the kernel took a partial message"));
        }
        final Answer<Ack> answer = await(n -> Ack.find(answers, n, sequence).orElse(null));
        switch (answer) {
            case Answer.Found<Ack>(Ack ack) when ack.errno() != 0 ->
                    throw new HostNetworkException(failure(command, reason(ack.errno(), ack.message())));
            case Answer.Found<Ack> _ -> { }
            case Answer.ReadFailed<Ack>(int errno) ->
                    throw new HostNetworkException(failure(command, "reading the kernel's answer: " + Libc.strerror(errno)));
            case Answer.TimedOut<Ack> _ ->
                    throw new HostNetworkException(failure(command, "no answer from the kernel within "
                            + ANSWER_TIMEOUT_MILLIS + " ms"));
        }
    }

    /**
     * Sends a get request ({@code NLM_F_REQUEST}, not a dump), encoded by {@code request} with the
     * sequence number given, and returns the kernel's answer of type {@code answerType} (a buffer
     * over that message, from its {@code nlmsghdr}, in the host's byte order), or empty when the
     * kernel answered with an error (no route, no neighbour entry, ...) or not within the timeout.
     */
    synchronized Optional<ByteBuffer> get(final IntFunction<byte[]> request, final int answerType) {
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        final byte[] message = request.apply(sequence);
        if (write(message) != message.length) {
            return Optional.empty();
        }
        // An error answer is found too (as an empty buffer), so a refused request ends the wait at once.
        final Answer<Optional<ByteBuffer>> answer = await(n -> answerOfType(n, answerType));
        return answer instanceof Answer.Found<Optional<ByteBuffer>>(Optional<ByteBuffer> found) ? found : Optional.empty();
    }

    /** Among {@code answers[0, n)}: the message of request {@link #sequence} of type {@code answerType}, empty for its error, null for neither. */
    private Optional<ByteBuffer> answerOfType(final int n, final int answerType) {
        final ByteBuffer b = ByteBuffer.wrap(answers, 0, n).order(ByteOrder.nativeOrder());
        for (int at = 0; at + Ack.NLMSG_HEADER <= n; ) {
            final int len = b.getInt(at);
            if (len < Ack.NLMSG_HEADER || at + len > n) {
                break;
            }
            if (b.getInt(at + 8) == sequence) {
                final int type = Short.toUnsignedInt(b.getShort(at + 4));
                if (type == answerType) {
                    final byte[] copy = java.util.Arrays.copyOfRange(answers, at, at + len);
                    return Optional.of(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
                }
                if (type == Ack.NLMSG_ERROR) {
                    return Optional.empty();
                }
            }
            at += (len + 3) & ~3;
        }
        return null;
    }

    /** What waiting for the kernel's answer to a request came to. */
    private sealed interface Answer<T> {
        record Found<T>(T value) implements Answer<T> { }

        record ReadFailed<T>(int errno) implements Answer<T> { }

        record TimedOut<T>() implements Answer<T> { }
    }

    private long write(final byte[] message) {
        try {
            return (long) Libc.WRITE.invokeExact(fd.sendState, fd.fd(), MemorySegment.ofArray(message),
                    (long) message.length);
        } catch (final Throwable t) {
            throw new IllegalStateException("netlink write failed", t);
        }
    }

    /**
     * Reads the kernel's messages into {@link #answers} until {@code match} finds the answer among
     * the {@code n} bytes read (non-null) or {@link #ANSWER_TIMEOUT_MILLIS} passed; answers to
     * earlier requests that timed out are read past.
     */
    private <T> Answer<T> await(final IntFunction<T> match) {
        final long deadline = System.nanoTime() + ANSWER_TIMEOUT_MILLIS * 1_000_000;
        while (true) {
            final long n;
            try {
                n = (long) Libc.READ.invokeExact(fd.receiveState, fd.fd(), MemorySegment.ofArray(answers),
                        (long) answers.length);
            } catch (final Throwable t) {
                throw new IllegalStateException("netlink read failed", t);
            }
            if (n > 0) {
                final T found = match.apply((int) n);
                if (found != null) {
                    return new Answer.Found<>(found);
                }
                continue;
            }
            final int errno = n < 0 ? Libc.errno(fd.receiveState) : 0;
            if (errno == Libc.EINTR || errno == Libc.ENOBUFS) {
                continue;
            }
            if (n < 0 && errno != Libc.EAGAIN) {
                return new Answer.ReadFailed<>(errno);
            }
            final long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new Answer.TimedOut<>();
            }
            fd.awaitReadable(left);
        }
    }

    private static String failure(final Supplier<String> command, final String reason) {
        return "'" + command.get() + "' failed: " + reason;
    }

    /** "File exists", "Operation not permitted (needs CAP_NET_ADMIN)", "Network is unreachable (Nexthop has invalid gateway)". */
    static String reason(final int errno, final Optional<String> kernelMessage) {
        return Libc.strerror(errno)
                + kernelMessage.map(text -> " (" + text + ")").orElse("")
                + (errno == Libc.EPERM ? " (needs CAP_NET_ADMIN)" : "");
    }

    /**
     * The kernel's answer to one request ({@code NLMSG_ERROR}): 0 for success or the errno, and
     * the text of {@code NLMSGERR_ATTR_MSG} when the kernel explained.
     */
    record Ack(int errno, Optional<String> message) {

        private static final int NLMSG_HEADER = 16;
        private static final int NLMSG_ERROR = 2;
        private static final int NLM_F_CAPPED = 0x100;
        private static final int NLM_F_ACK_TLVS = 0x200;
        private static final int NLMSGERR_ATTR_MSG = 1;

        /** The acknowledgement of request {@code sequence} among the messages in {@code buf[0, length)}. */
        static Optional<Ack> find(final byte[] buf, final int length, final int sequence) {
            final ByteBuffer b = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
            int at = 0;
            while (at + NLMSG_HEADER <= length) {
                final int len = b.getInt(at);
                if (len < NLMSG_HEADER || at + len > length) {
                    return Optional.empty();
                }
                if (Short.toUnsignedInt(b.getShort(at + 4)) == NLMSG_ERROR && b.getInt(at + 8) == sequence
                        && len >= NLMSG_HEADER + 4) {
                    return Optional.of(new Ack(-b.getInt(at + NLMSG_HEADER), explanation(b, at, len)));
                }
                at += align(len);
            }
            return Optional.empty();
        }

        /** {@code struct nlmsgerr} (error, the request's header, its body unless capped), then attributes. */
        private static Optional<String> explanation(final ByteBuffer b, final int at, final int len) {
            final int flags = Short.toUnsignedInt(b.getShort(at + 6));
            if ((flags & NLM_F_ACK_TLVS) == 0 || len < NLMSG_HEADER + 4 + NLMSG_HEADER) {
                return Optional.empty();
            }
            final int echoed = (flags & NLM_F_CAPPED) != 0 ? NLMSG_HEADER : b.getInt(at + NLMSG_HEADER + 4);
            int attr = at + NLMSG_HEADER + 4 + align(echoed);
            while (attr + 4 <= at + len) {
                final int attrLen = Short.toUnsignedInt(b.getShort(attr));
                if (attrLen < 4 || attr + attrLen > at + len) {
                    break;
                }
                if ((b.getShort(attr + 2) & 0x3fff) == NLMSGERR_ATTR_MSG) {
                    int end = attr + 4;
                    while (end < attr + attrLen && b.get(end) != 0) {
                        end++;
                    }
                    return Optional.of(new String(b.array(), attr + 4, end - attr - 4, StandardCharsets.UTF_8));
                }
                attr += align(attrLen);
            }
            return Optional.empty();
        }

        private static int align(final int length) {
            return (length + 3) & ~3;
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
