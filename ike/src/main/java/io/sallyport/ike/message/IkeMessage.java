package io.sallyport.ike.message;

import java.util.List;
import java.util.Optional;

/** A decoded IKE message: header plus the payloads (inner payloads when it was encrypted). */
public record IkeMessage(IkeHeader header, List<Payload> payloads, boolean encrypted) {

    public <T extends Payload> Optional<T> first(Class<T> kind) {
        return payloads.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    public <T extends Payload> List<T> all(Class<T> kind) {
        return payloads.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public Optional<Payload.Notify> notify(int notifyType) {
        return all(Payload.Notify.class).stream().filter(n -> n.notifyType() == notifyType).findFirst();
    }

    /** The first error notify: how a peer refuses a request (RFC 7296 §2.21). */
    public Optional<Payload.Notify> errorNotify() {
        return all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
    }

    /** The error of the first error notify, as a type. */
    public Optional<NotifyError> error() {
        return errorNotify().flatMap(Payload.Notify::error);
    }

    public Optional<Payload.Id> id(int payloadType) {
        return all(Payload.Id.class).stream().filter(i -> i.type() == payloadType).findFirst();
    }

    public Optional<Payload.Ts> ts(int payloadType) {
        return all(Payload.Ts.class).stream().filter(t -> t.type() == payloadType).findFirst();
    }
}
