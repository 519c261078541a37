package dev.beluga.http;

/**
 * The Kubernetes authorization verb of an HTTP method for a resource request, as the API server and the kubelet both
 * derive it (POST create, GET and HEAD get, PUT update, PATCH patch, DELETE delete; anything else: empty). Stateless.
 */
public final class ApiVerbs {
    private ApiVerbs() {
    }

    public static String ofMethod(String method) {
        return switch (method) {
            case "POST" -> "create";
            case "GET", "HEAD" -> "get";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "";
        };
    }
}
