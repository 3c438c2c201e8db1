package io.sallyport.remote.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 6242 framing, including the examples of its §4.2 and the ways a peer can break it. */
class FramingTest {

    private static Framing reading(String wire) {
        return new Framing(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream());
    }

    @Test
    void endOfMessageFramingSplitsAtTheMarkerEvenAfterAPartialOne() throws IOException {
        // "]]]>]]>": the first ']' belongs to the message, the marker starts at the second.
        Framing f = reading("<a/>]]>]]><b>]]]>]]>]]>]>]]>]]>");
        assertEquals("<a/>", f.read());
        assertEquals("<b>]", f.read());
        assertEquals("]]>]>", f.read());
        assertNull(f.read());
    }

    @Test
    void chunkedFramingReadsTheRfcExample() throws IOException {
        // RFC 6242 §4.2: a message in two chunks of 4 and 18 octets.
        Framing f = reading("\n#4\n<rpc\n#18\n message-id=\"102\"\n\n##\n");
        f.useChunks();
        assertEquals("<rpc message-id=\"102\"\n", f.read());
        assertNull(f.read());
    }

    @Test
    void aChunkFramedMessageIsReadWhileEndOfMessageFramingIsInUse() throws IOException {
        // ncclient 0.6.13's hello when its threads race: chunked although base:1.1 is not agreed yet.
        Framing f = reading("\n#7\n<hello/\n#1\n>\n##\n\n#6\n<rpc/>\n##\n");
        assertEquals("<hello/>", f.read());
        f.useChunks();
        assertEquals("<rpc/>", f.read());
        assertNull(f.read());
        Framing endOfMessage = reading("\n<hello/>]]>]]>#]]>]]>");
        assertEquals("\n<hello/>", endOfMessage.read());
        assertEquals("#", endOfMessage.read());
        assertNull(endOfMessage.read());
    }

    @Test
    void writesBothFramings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Framing f = new Framing(new ByteArrayInputStream(new byte[0]), out);
        f.write("<a/>");
        f.useChunks();
        f.write("<é/>");
        assertEquals("<a/>]]>]]>\n#5\n<é/>\n##\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void brokenChunksEndTheSession() {
        for (String wire : new String[] {"#4\n<rpc", "\n#04\n<rpc\n##\n", "\n#\n", "\n#99999999999\n", "\n#4\n<r",
                "\n##\n", "\n#4x\n<rpc\n##\n"}) {
            Framing f = reading(wire);
            f.useChunks();
            assertThrows(Framing.FramingException.class, f::read, wire);
        }
    }

    @Test
    void oversizedMessagesAreRefusedBeforeTheyAreBuffered() {
        Framing eom = reading("x".repeat(Framing.MAX_MESSAGE + 10));
        assertThrows(Framing.FramingException.class, eom::read);
        Framing chunked = reading("\n#" + (Framing.MAX_MESSAGE + 1) + "\n");
        chunked.useChunks();
        assertThrows(Framing.FramingException.class, chunked::read);
    }

    @Test
    void aChannelClosedInsideAMessageIsAFramingError() {
        assertThrows(Framing.FramingException.class, reading("<rpc>")::read);
    }
}
