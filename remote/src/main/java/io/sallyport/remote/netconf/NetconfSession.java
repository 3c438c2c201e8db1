package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
import io.sallyport.remote.Audit;
import io.sallyport.remote.LoginClass;
import io.sallyport.remote.RemoteUser;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * One NETCONF session after SSH authentication: the hello exchange, then one {@code <rpc>} in,
 * one {@code <rpc-reply>} out. Framing-free (strings in, strings out), so every reply to bad
 * input can be tested without a socket. Nothing a client sends can end the daemon: bad XML and
 * unknown operations become rpc-errors, internal faults too.
 */
final class NetconfSession {
    static final String BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";
    static final String BASE_1_0 = "urn:ietf:params:netconf:base:1.0";
    static final String BASE_1_1 = "urn:ietf:params:netconf:base:1.1";
    private static final List<String> CAPABILITIES = List.of(BASE_1_0, BASE_1_1,
            "urn:ietf:params:netconf:capability:candidate:1.0",
            "urn:ietf:params:netconf:capability:validate:1.0",
            "urn:ietf:params:netconf:capability:validate:1.1",
            "http://xml.juniper.net/netconf/junos/1.0");

    private final int id;
    private final RemoteUser user;
    private final ConfigLock lock;
    private final ConfigurationRpcs configuration;
    private final OperationalRpcs operational;
    private boolean helloSeen;

    /** What the session does with one message: the reply to send (if any) and whether to close afterwards. */
    record Outcome(Optional<String> reply, boolean close, boolean chunked) { }

    NetconfSession(int id, RemoteUser user, ConfigLock lock, ConfigurationRpcs configuration, OperationalRpcs operational) {
        this.id = id;
        this.user = user;
        this.lock = lock;
        this.configuration = configuration;
        this.operational = operational;
    }

    String hello() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hello xmlns=\"" + BASE_NS + "\">\n<capabilities>\n");
        CAPABILITIES.forEach(c -> sb.append("<capability>").append(c).append("</capability>\n"));
        return sb.append("</capabilities>\n<session-id>").append(id).append("</session-id>\n</hello>\n").toString();
    }

    /** Handles one framed message. */
    Outcome handle(String message) {
        Document doc;
        try {
            doc = SafeXml.parse(message);
        } catch (SAXException | IOException e) {
            if (!helloSeen) return new Outcome(Optional.empty(), true, false); // RFC 6241 §8.1: no hello, no session
            return reply(null, RpcReply.error(RpcError.protocol("malformed-message", "syntax error: " + e.getMessage())), false);
        }
        Element root = doc.getDocumentElement();
        String name = SafeXml.name(root);
        if (!helloSeen) {
            if (!name.equals("hello")) return new Outcome(Optional.empty(), true, false);
            helloSeen = true;
            boolean chunked = root.getTextContent().contains(BASE_1_1);
            return new Outcome(Optional.empty(), false, chunked);
        }
        if (!name.equals("rpc")) {
            return reply(null, RpcReply.error(RpcError.protocol("unknown-element", "expected <rpc>, got <" + name + ">")), false);
        }
        List<Element> ops = SafeXml.children(root);
        if (ops.size() != 1) {
            return reply(root, RpcReply.error(RpcError.protocol("malformed-message", "an <rpc> holds exactly one operation")), false);
        }
        Element op = ops.getFirst();
        String operation = SafeXml.name(op);
        if (operation.equals("close-session")) return reply(root, RpcReply.ok(), true);
        RpcReply answer;
        try {
            answer = dispatch(operation, op);
        } catch (IOException | RuntimeException e) {
            answer = RpcReply.error(RpcError.application("operation-failed", "internal error in " + operation + ": " + e));
        }
        return reply(root, answer, false);
    }

    private RpcReply dispatch(String operation, Element op) throws IOException {
        return switch (operation) {
            case "get-configuration" -> unchecked(() -> configuration.getConfiguration(op));
            case "get-config" -> unchecked(() -> configuration.getConfig(op));
            case "load-configuration" -> configuration.loadConfiguration(op);
            case "edit-config" -> configuration.editConfig(op);
            case "commit-configuration" -> configuration.commitConfiguration(op);
            case "commit" -> configuration.commitBase(op);
            case "discard-changes" -> configuration.discardChanges();
            case "validate" -> configuration.validate();
            case "get-commit-information" -> configuration.commitInformation();
            case "lock", "lock-configuration" -> lock();
            case "unlock", "unlock-configuration" -> unlock();
            case "open-configuration" -> openConfiguration(op);
            case "close-configuration" -> closeConfiguration();
            case "kill-session" -> RpcReply.error(RpcError.protocol("operation-not-supported", "kill-session is not supported by Sallyport"));
            default -> operational.answer(operation, op).orElseGet(() -> RpcReply.error(new RpcError("protocol",
                    "operation-failed", "error", null, operation, "syntax error, expecting <rpc> operation: unknown RPC '" + operation + "'")));
        };
    }

    private interface Io<T> {
        T get() throws IOException;
    }

    private static RpcReply unchecked(Io<RpcReply> rpc) {
        try {
            return rpc.get();
        } catch (IOException e) {
            return RpcReply.error(RpcError.application("operation-failed", "the configuration store failed: " + e.getMessage()));
        }
    }

    private RpcReply lock() throws IOException {
        if (user.loginClass() != LoginClass.SUPER_USER) return RpcReply.error(configuration.mayWrite().orElseThrow());
        Optional<ConfigLock.Holder> holder = lock.lock(id, user.name());
        if (holder.isPresent()) {
            return RpcReply.error(new RpcError("protocol", "lock-denied", "error", null, null,
                    "configuration database locked by:\n  " + holder.get().user() + " (session-id " + holder.get().sessionId() + ")"));
        }
        return RpcReply.ok();
    }

    private RpcReply unlock() {
        return lock.unlock(id) ? RpcReply.ok()
                : RpcReply.error(RpcError.protocol("operation-failed", "configuration database is not locked by this session"));
    }

    /**
     * {@code open-configuration}: {@code <exclusive/>} takes the lock, {@code <private/>} opens this
     * session's private database; Junos's dynamic and ephemeral databases Sallyport does not have.
     */
    private RpcReply openConfiguration(Element op) throws IOException {
        for (String database : List.of("dynamic", "ephemeral", "ephemeral-instance", "batch")) {
            if (SafeXml.child(op, database) != null) {
                return RpcReply.error(RpcError.application("operation-not-supported", database
                        + " configuration databases are not supported by Sallyport; use <private/>, <exclusive/> or lock"));
            }
        }
        if (SafeXml.child(op, "private") != null) {
            if (user.loginClass() != LoginClass.SUPER_USER) return RpcReply.error(configuration.mayWrite().orElseThrow());
            return configuration.openPrivate();
        }
        return lock();
    }

    /** {@code close-configuration}: the private database, or the lock {@code open-configuration <exclusive/>} took. */
    private RpcReply closeConfiguration() throws IOException {
        if (configuration.inPrivate()) {
            configuration.closePrivate();
            return RpcReply.ok();
        }
        return lock.heldBy(id) ? unlock() : RpcReply.ok();
    }

    /** The session ended: its lock and its private database go with it. */
    void closed() {
        if (lock.unlock(id)) Audit.logout(user.name() + " (released the configuration lock)", user.source());
        try {
            configuration.closePrivate();
        } catch (IOException e) {
            Audit.logout(user.name() + " (its private database's session entry could not be removed: " + e.getMessage() + ")", user.source());
        }
    }

    private static Outcome reply(Element rpc, RpcReply answer, boolean close) {
        StringBuilder sb = new StringBuilder("<rpc-reply xmlns=\"" + BASE_NS + "\" xmlns:junos=\"http://xml.juniper.net/junos/sallyport/junos\"");
        if (rpc != null) sb.append(attributes(rpc));
        sb.append(">\n");
        answer.errors().forEach(e -> sb.append(e.xml()));
        sb.append(answer.body());
        sb.append("</rpc-reply>\n");
        return new Outcome(Optional.of(sb.toString()), close, false);
    }

    /** RFC 6241 §4.2: the rpc's attributes (message-id and any others) come back on the reply. */
    private static String attributes(Element rpc) {
        StringBuilder sb = new StringBuilder();
        NamedNodeMap attrs = rpc.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Node a = attrs.item(i);
            if (a.getNodeName().startsWith("xmlns")) continue;
            sb.append(' ').append(a.getNodeName()).append("=\"").append(SafeXml.escape(a.getNodeValue())).append('"');
        }
        return sb.toString();
    }
}
