package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
/**
 * One {@code <rpc-error>} (RFC 6241 §4.3) as Junos fills it: the statement path in
 * {@code error-path}, the offending statement as {@code bad-element}, the message in words.
 */
record RpcError(String type, String tag, String severity, String path, String badElement, String message) {

    static RpcError application(String tag, String message) {
        return new RpcError("application", tag, "error", null, null, message);
    }

    static RpcError protocol(String tag, String message) {
        return new RpcError("protocol", tag, "error", null, null, message);
    }

    static RpcError warning(String path, String badElement, String message) {
        return new RpcError("application", "operation-failed", "warning", path, badElement, message);
    }

    String xml() {
        StringBuilder sb = new StringBuilder("<rpc-error>\n");
        sb.append("<error-type>").append(type).append("</error-type>\n");
        sb.append("<error-tag>").append(tag).append("</error-tag>\n");
        sb.append("<error-severity>").append(severity).append("</error-severity>\n");
        if (path != null) sb.append("<error-path>").append(SafeXml.escape(path)).append("</error-path>\n");
        if (badElement != null) {
            sb.append("<error-info>\n<bad-element>").append(SafeXml.escape(badElement)).append("</bad-element>\n</error-info>\n");
        }
        sb.append("<error-message>\n").append(SafeXml.escape(message)).append("\n</error-message>\n");
        return sb.append("</rpc-error>\n").toString();
    }
}
