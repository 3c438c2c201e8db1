package io.sallyport.lab;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.PortCounters;
import io.sallyport.net.SpiSteering;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lab's steered group of one UDP port: one virtual socket, and a receiver per inbound worker
 * that gets the datagrams {@link SpiSteering} gives it, as the Linux host's reuseport program
 * does (the virtual network has no GRO: each datagram is steered on its own). Whichever receiver
 * is asked first takes everything the socket holds and sorts it. Sends leave through the socket;
 * receiver 0 stands for it (its counters, its close). Single-threaded like the rest of the lab.
 */
final class SteeredVirtualPorts {
    private final DatagramPort socket;
    private final List<ArrayDeque<Held>> waiting = new ArrayList<>();
    private final byte[] scratch = new byte[65535];

    private record Held(byte[] datagram, InetSocketAddress source) {
    }

    private SteeredVirtualPorts(DatagramPort socket, int receivers) {
        this.socket = socket;
        for (int i = 0; i < receivers; i++) {
            waiting.add(new ArrayDeque<>());
        }
    }

    /** {@code receivers} ports on {@code socket}, in steering order. */
    static List<DatagramPort> of(DatagramPort socket, int receivers) {
        SteeredVirtualPorts group = new SteeredVirtualPorts(socket, receivers);
        List<DatagramPort> ports = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            ports.add(group.new Receiver(i));
        }
        return List.copyOf(ports);
    }

    private void sort() {
        int n;
        while ((n = socket.receive(scratch, 0, scratch.length)) >= 0) {
            waiting.get(SpiSteering.receiverOf(scratch, 0, n, waiting.size()))
                    .add(new Held(Arrays.copyOf(scratch, n), socket.lastSource()));
        }
    }

    private final class Receiver implements DatagramPort {
        private final int index;
        private final PortCounters counters;
        private InetSocketAddress lastSource;

        Receiver(int index) {
            this.index = index;
            this.counters = index == 0 ? socket.counters() : new PortCounters();
        }

        @Override
        public int receive(byte[] buf, int off, int maxLen) {
            sort();
            Held h = waiting.get(index).poll();
            if (h == null) {
                return -1;
            }
            int n = Math.min(h.datagram().length, maxLen);
            System.arraycopy(h.datagram(), 0, buf, off, n);
            lastSource = h.source();
            return n;
        }

        @Override
        public InetSocketAddress lastSource() {
            return lastSource;
        }

        @Override
        public boolean send(byte[] buf, int off, int len, InetSocketAddress destination) {
            return socket.send(buf, off, len, destination);
        }

        @Override
        public boolean awaitReadable(long timeoutMillis) {
            sort();
            return !waiting.get(index).isEmpty();
        }

        @Override
        public PortCounters counters() {
            return counters;
        }

        @Override
        public InetSocketAddress localAddress() {
            return socket.localAddress();
        }

        @Override
        public void close() {
            if (index == 0) {
                socket.close();
            }
        }

        @Override
        public String toString() {
            return socket + " receiver " + index;
        }
    }
}
