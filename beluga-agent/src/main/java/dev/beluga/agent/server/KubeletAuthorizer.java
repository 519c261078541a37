package dev.beluga.agent.server;

import java.util.List;

/**
 * Decides whether an authenticated client may make a kubelet API request (upstream's kubelet {@code --authorization-mode
 * Webhook}): the request is described as the API server describes Node subresources ({@link KubeletRequestAttributes}).
 *
 * <p>Threading: called concurrently from request threads.
 */
@FunctionalInterface
public interface KubeletAuthorizer {
    /** Everything is allowed (a kubelet server configured without authorization, as in tests of other parts). */
    KubeletAuthorizer ALLOW_ALL = (user, groups, attributes) -> new Decision(true, "");

    /** Allowed or not, and why (the API server's reason, shown in nothing but logs). */
    record Decision(boolean allowed, String reason) {
    }

    /**
     * @param user   the client certificate's common name
     * @param groups its organizations, and {@code system:authenticated}
     */
    Decision authorize(String user, List<String> groups, KubeletRequestAttributes attributes);
}
