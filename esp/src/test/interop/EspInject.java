import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.packet.Checksum;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * Manual interop check, run inside the harness's gw-a namespace while strongSwan owns a tunnel:
 * encapsulates ICMP echo requests 198.18.1.10 -> 198.18.2.10 with Sallyport's OutboundPath under
 * gw-a's outbound CHILD_SA keys and sends them to gw-b's UDP 4500, so strongSwan must verify,
 * decrypt and forward them (see esp/README.md, "Interop evidence").
 *
 * java -cp packet/target/classes:crypto/target/classes:esp/target/classes esp/src/test/interop/EspInject.java \
 *      SUITE SPI_HEX ENC_KEY_HEX INTEG_KEY_HEX|- COUNT
 */
public final class EspInject {
    public static void main(final String[] args) throws Exception {
        final String[] parts = args[0].split("\\+");
        final HexFormat hex = HexFormat.of();
        final EspSa sa = EspSa.builder((int) Long.parseLong(args[1], 16),
                        EncryptionAlgorithm.fromKeyword(parts[0]).orElseThrow(),
                        parts.length > 1 ? IntegrityAlgorithm.fromKeyword(parts[1]).orElseThrow() : null,
                        hex.parseHex(args[2]), args[3].equals("-") ? null : hex.parseHex(args[3]),
                        InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"))
                .udp(UdpEncapsulation.natT()).ivSeed(System.nanoTime()).build();
        final EspCounters counters = new EspCounters();
        final OutboundPath out = new OutboundPath(sa, counters, OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        final OutboundBatch batch = new OutboundBatch();
        final int count = Integer.parseInt(args[4]);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("192.0.2.1", 0))) {
            for (int i = 1; i <= count; i++) {
                final byte[] buf = new byte[OutboundPath.MAX_HEADROOM + 84 + OutboundPath.MAX_TAILROOM];
                final int ip = OutboundPath.MAX_HEADROOM;
                Ipv4View.write(buf, ip, 0, 84, i, Ipv4View.FLAG_DF, 64, IpProtocol.ICMP, 0xC612010A, 0xC612020A);
                buf[ip + 20] = 8; // echo request, id 0x5350, sequence i
                buf[ip + 24] = 0x53;
                buf[ip + 25] = 0x50;
                buf[ip + 27] = (byte) i;
                final int c = Checksum.compute(buf, ip + 20, 64);
                buf[ip + 22] = (byte) (c >>> 8);
                buf[ip + 23] = (byte) c;
                if (out.encapsulate(buf, ip, 84, batch) != OutboundPath.Outcome.SENT) {
                    throw new IllegalStateException("dropped: " + batch.drop());
                }
                socket.send(new DatagramPacket(batch.buffer(0), batch.offset(0), batch.length(0),
                        new InetSocketAddress("192.0.2.2", 4500)));
            }
        }
        System.out.println("sent " + count + " ESP packets, seq 1.." + out.sequence() + ", SPI " + args[1]);
    }
}
