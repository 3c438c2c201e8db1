package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.crypto.EncryptionAlgorithm;
import org.junit.jupiter.api.Test;

/** The term's {@code tos}/{@code ttl} and their copy-from-inner forms reach the outer header. */
class OuterHeaderTest {
    private static final Fixtures.Suite GCM = new Fixtures.Suite(EncryptionAlgorithm.AES_128_GCM, null);

    private static byte[] outer(EspSa sa) {
        OutboundBatch out = new OutboundBatch();
        byte[] buf = Fixtures.innerV4(100, false, 1); // inner ToS 0x28, TTL 64
        new OutboundPath(sa, new EspCounters(), OutboundPath.OutputForm.IP_PACKET)
                .encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), out);
        byte[] b = new byte[20];
        System.arraycopy(out.buffer(0), out.offset(0), b, 0, 20);
        return b;
    }

    @Test
    void configuredTosAndTtl() {
        byte[] h = outer(Fixtures.sa(GCM, false, 1).outerTos(0).outerTtl(64).build());
        assertEquals(0, h[1] & 0xFF, "tos 0 (the Junos default), not the inner 0x28");
        assertEquals(64, h[8] & 0xFF);
        h = outer(Fixtures.sa(GCM, false, 1).outerTos(0xB8).outerTtl(200).build());
        assertEquals(0xB8, h[1] & 0xFF);
        assertEquals(200, h[8] & 0xFF);
    }

    @Test
    void copiedFromTheInnerHeader() {
        byte[] h = outer(Fixtures.sa(GCM, false, 1).outerTos(EspSa.COPY_FROM_INNER).outerTtl(EspSa.COPY_FROM_INNER).build());
        assertEquals(0x28, h[1] & 0xFF, "copy-tos-from-inner-ip-header");
        assertEquals(63, h[8] & 0xFF, "copy-ttl-from-inner-ip-header: the inner TTL after the tunnel hop");
    }
}
