package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** IKEv2 error notifies as a type: the numbers of RFC 7296 §3.10.1 (IANA "IKEv2 Notify Message Types - Error Types"). */
class NotifyErrorTest {

    @Test
    void shouldNameTheRfcErrorNumbers() {
        // Written from the RFC's table, not from our constants.
        Map<Integer, String> rfc = Map.ofEntries(Map.entry(1, "UNSUPPORTED_CRITICAL_PAYLOAD"), Map.entry(4, "INVALID_IKE_SPI"),
                Map.entry(5, "INVALID_MAJOR_VERSION"), Map.entry(7, "INVALID_SYNTAX"), Map.entry(9, "INVALID_MESSAGE_ID"),
                Map.entry(11, "INVALID_SPI"), Map.entry(14, "NO_PROPOSAL_CHOSEN"), Map.entry(17, "INVALID_KE_PAYLOAD"),
                Map.entry(24, "AUTHENTICATION_FAILED"), Map.entry(34, "SINGLE_PAIR_REQUIRED"), Map.entry(35, "NO_ADDITIONAL_SAS"),
                Map.entry(38, "TS_UNACCEPTABLE"), Map.entry(43, "TEMPORARY_FAILURE"), Map.entry(44, "CHILD_SA_NOT_FOUND"));
        rfc.forEach((code, name) -> {
            NotifyError e = NotifyError.of(code);
            assertInstanceOf(NotifyError.Standard.class, e);
            assertEquals(name, e.name());
            assertEquals(name, e.toString());
            assertEquals(code, e.code());
        });
        assertEquals(rfc.size(), NotifyError.Standard.values().length);
    }

    @Test
    void shouldKeepTheNumberOfAnErrorItHasNoNameFor() {
        NotifyError e = NotifyError.of(8191);
        assertEquals(new NotifyError.Unlisted(8191), e);
        assertEquals("ERROR(8191)", e.toString());
        assertEquals(8191, e.code());
    }

    @Test
    void shouldTellErrorNotifiesFromStatusNotifies() {
        assertEquals(Optional.of(NotifyError.Standard.TS_UNACCEPTABLE), Payload.Notify.of(38).error());
        assertEquals(Optional.empty(), Payload.Notify.of(16384).error(), "INITIAL_CONTACT is a status type");
        assertEquals(Optional.of(new NotifyError.Unlisted(16383)), Payload.Notify.of(16383).error(), "the highest error type");
        var m = new IkeMessage(new IkeHeader(1, 2, 0, Wire.CREATE_CHILD_SA, Wire.FLAG_RESPONSE, 1, 0),
                List.of(Payload.Notify.of(16393), Payload.Notify.of(NotifyError.Standard.NO_ADDITIONAL_SAS), Payload.Notify.of(14)), true);
        assertEquals(Optional.of(NotifyError.Standard.NO_ADDITIONAL_SAS), m.error(), "the first error notify, past REKEY_SA");
        assertEquals(35, m.errorNotify().orElseThrow().notifyType());
        var none = new IkeMessage(m.header(), List.of(Payload.Notify.of(16393)), true);
        assertEquals(Optional.empty(), none.error());
    }
}
