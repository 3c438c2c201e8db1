package io.sallyport.remote.netconf;

import java.util.List;

/** What one RPC answers: its body (data, {@code <ok/>}, Junos results) and any rpc-errors (errors or warnings). */
record RpcReply(String body, List<RpcError> errors) {
    RpcReply {
        errors = List.copyOf(errors);
    }

    static RpcReply ok() { return new RpcReply("<ok/>\n", List.of()); }

    static RpcReply of(String body) { return new RpcReply(body, List.of()); }

    static RpcReply error(RpcError error) { return new RpcReply("", List.of(error)); }
}
