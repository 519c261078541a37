package dev.beluga.apiserver.auth;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as Kubernetes authenticators report it: user name, groups, and for some users a uid and extra
 * attributes (service accounts: the ServiceAccount's uid; {@code authentication.kubernetes.io/pod-name}, ...).
 *
 * @param uid   null when the authenticator knows none
 * @param extra never null; values are lists, as upstream's {@code user.Info.GetExtra()}
 */
public record UserInfo(String name, List<String> groups, String uid, Map<String, List<String>> extra) {
    public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", List.of("system:unauthenticated"));

    public UserInfo {
        groups = List.copyOf(groups);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** A user with neither uid nor extra attributes (certificates, static tokens). */
    public UserInfo(String name, List<String> groups) {
        this(name, groups, null, Map.of());
    }
}
