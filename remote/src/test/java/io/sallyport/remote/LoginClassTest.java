package io.sallyport.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginClassTest {

    @Test
    void readOnlyMayShowButNotConfigureClearOrRequest() {
        assertEquals(Optional.empty(), LoginClass.READ_ONLY.refusal(false, List.of("show", "services", "service-sets")));
        assertEquals(Optional.of("error: permission denied: login class read-only may not run 'configure'\n"),
                LoginClass.READ_ONLY.refusal(false, List.of("configure")));
        assertTrue(LoginClass.READ_ONLY.refusal(false, List.of("clear", "services")).isPresent());
        assertTrue(LoginClass.READ_ONLY.refusal(false, List.of("request", "sallyport", "reload")).isPresent());
        assertEquals(Optional.empty(), LoginClass.READ_ONLY.refusal(false, List.of("show", "configuration")),
                "shown with its secrets masked, as Junos shows it");
        assertFalse(LoginClass.READ_ONLY.seesSecrets());
        assertFalse(LoginClass.OPERATOR.seesSecrets());
        assertTrue(LoginClass.SUPER_USER.seesSecrets());
    }

    @Test
    void operatorMayClearAndSuperUserMayDoAnything() {
        assertEquals(Optional.empty(), LoginClass.OPERATOR.refusal(false, List.of("clear", "services", "ipsec-vpn")));
        assertTrue(LoginClass.OPERATOR.refusal(false, List.of("configure")).isPresent());
        assertEquals(Optional.empty(), LoginClass.SUPER_USER.refusal(false, List.of("configure")));
        assertEquals(Optional.empty(), LoginClass.SUPER_USER.refusal(true, List.of("commit")));
    }
}
