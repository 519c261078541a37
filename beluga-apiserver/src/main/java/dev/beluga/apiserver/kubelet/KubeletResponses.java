package dev.beluga.apiserver.kubelet;

import dev.beluga.apiserver.StatusException;

import java.util.List;

/**
 * Turns a kubelet's non-2xx answer to a {@code pods/log} request into the Status the API server sends instead
 * (upstream {@code GenericHttpResponseChecker} with {@code NewGenericServerResponse}): 400 keeps the kubelet's text
 * as its message, 500 becomes {@code Internal error occurred: <text>}, other codes get upstream's generic message
 * followed by {@code ( pods/log <name>)}. Stateless.
 */
final class KubeletResponses {
    /** Upstream reads at most this much of an error body. */
    static final int MAX_BODY = 50_000;
    private static final String RESOURCE = "pods/log";

    private KubeletResponses() {
    }

    /** The Status for {@code code} with the kubelet's {@code body}, for pod {@code name}. */
    static StatusException error(int code, String body, String name) {
        if (code == 500)
            return new StatusException(500, "InternalError", "Internal error occurred: " + body, null, null, null,
                List.of(new StatusException.Cause(null, body, null)), null);
        if (code == 400) return StatusException.badRequest(body);
        String reason;
        String message;
        switch (code) {
            case 409 -> {
                reason = "Conflict";
                message = "the server reported a conflict";
            }
            case 404 -> {
                reason = "NotFound";
                message = "the server could not find the requested resource";
            }
            case 401 -> {
                reason = "Unauthorized";
                message = "the server has asked for the client to provide credentials";
            }
            case 403 -> {
                reason = "Forbidden";
                message = body;
            }
            case 406 -> {
                reason = "NotAcceptable";
                message = body.isEmpty() || body.equals("unknown") ? "the server was unable to respond with a content type that the client supports" : body;
            }
            case 415 -> {
                reason = "UnsupportedMediaType";
                message = body;
            }
            case 405 -> {
                reason = "MethodNotAllowed";
                message = "the server does not allow this method on the requested resource";
            }
            case 422 -> {
                reason = "Invalid";
                message = "the server rejected our request due to an error in our request";
            }
            case 503 -> {
                reason = "ServiceUnavailable";
                message = "the server is currently unable to handle the request";
            }
            case 504 -> {
                reason = "Timeout";
                message = "the server was unable to return a response in the time allotted, but may still be processing the request";
            }
            case 429 -> {
                reason = "TooManyRequests";
                message = "the server has received too many requests and has asked us to try again later";
            }
            default -> {
                if (code >= 500) {
                    reason = "InternalError";
                    message = "an error on the server (" + PodLogOptions.quote(body) + ") has prevented the request from succeeding";
                } else {
                    reason = "";
                    message = "the server responded with the status code " + code + " but did not return more information";
                }
            }
        }
        // upstream formats "(verb resource name)" with an empty verb here, hence the double space
        return new StatusException(code, reason, message + " ( " + RESOURCE + " " + name + ")", "", RESOURCE, name, null, null);
    }
}
