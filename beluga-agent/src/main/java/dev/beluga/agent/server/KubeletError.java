package dev.beluga.agent.server;

/**
 * A request the kubelet API refuses, with the status code and the plain-text body upstream's kubelet sends for it
 * (some of which are JSON-looking text, e.g. {@code {"message": "Invalid request."}}, as upstream writes them).
 */
final class KubeletError extends RuntimeException {
    private final int status;

    KubeletError(int status, String body) {
        super(body, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    String body() {
        return getMessage();
    }
}
