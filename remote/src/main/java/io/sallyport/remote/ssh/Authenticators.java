package io.sallyport.remote.ssh;

import io.sallyport.remote.Audit;
import io.sallyport.remote.Credentials;
import io.sallyport.remote.LoginThrottle;
import io.sallyport.remote.LoginUser;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.password.PasswordChangeRequiredException;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Password and public-key authentication against the {@code system login} users of the committed
 * configuration. A failed password is answered only after the throttle's delay (asynchronously:
 * no I/O thread sleeps), and a source over its attempt limit is refused without a check.
 */
final class Authenticators implements PasswordAuthenticator, PublickeyAuthenticator {
    static final AttributeKey<LoginUser> USER = new AttributeKey<>();
    static final AttributeKey<String> METHOD = new AttributeKey<>();
    /** Hashed when the user does not exist, so the answer takes as long as for a real user. */
    private static final String DUMMY_HASH =
            "$6$sallyport$Q7FVBfwPREpjNv5q7iZxrgg9TznK9Pb8U4LOahX5snjxH5/wi33K/mNNG2fSMWMC6Mr3jjtfvjc4mdR2suv46.";

    private final Supplier<Map<String, LoginUser>> users;
    private final LoginThrottle throttle;
    private final ScheduledExecutorService delays;

    Authenticators(Supplier<Map<String, LoginUser>> users, LoginThrottle throttle, ScheduledExecutorService delays) {
        this.users = users;
        this.throttle = throttle;
        this.delays = delays;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session)
            throws PasswordChangeRequiredException, AsyncAuthException {
        String source = source(session);
        if (throttle.blocked(source)) {
            Audit.loginFailed(username, source, "password", "too many failed attempts from this address");
            return false;
        }
        Optional<LoginUser> user = Optional.ofNullable(users.get().get(username));
        String hash = user.flatMap(LoginUser::encryptedPassword).orElse(DUMMY_HASH);
        boolean ok = Credentials.passwordMatches(password, hash) && user.isPresent() && user.get().encryptedPassword().isPresent();
        if (ok) {
            throttle.succeeded(source);
            session.setAttribute(USER, user.get());
            session.setAttribute(METHOD, "password");
            return true;
        }
        Duration delay = throttle.failed(source);
        Audit.loginFailed(username, source, "password", user.isEmpty() ? "no such user" : "wrong password");
        AsyncAuthException later = new AsyncAuthException();
        delays.schedule(() -> later.setAuthed(false), delay.toMillis(), TimeUnit.MILLISECONDS);
        throw later;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) throws AsyncAuthException {
        String source = source(session);
        if (throttle.blocked(source)) return false;
        LoginUser user = users.get().get(username);
        if (user == null || !Credentials.keyMatches(key, user.publicKeys())) return false;
        // Also asked for a key the client only offers: the session counts as authenticated only
        // once the client has signed with it, so setting the user here is safe.
        session.setAttribute(USER, user);
        session.setAttribute(METHOD, "public key");
        return true;
    }

    static String source(ServerSession session) {
        SocketAddress a = session.getClientAddress();
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : String.valueOf(a);
    }
}
