package io.sallyport.remote;

/**
 * Who is on the other end of an authenticated session: the login user, the client's address,
 * and the service ({@code ssh} or {@code netconf}), as the audit log names them.
 */
public record RemoteUser(LoginUser login, String source, String service) {
    public String name() { return login.name(); }

    public LoginClass loginClass() { return login.loginClass(); }
}
