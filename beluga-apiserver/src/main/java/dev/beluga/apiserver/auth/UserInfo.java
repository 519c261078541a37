package dev.beluga.apiserver.auth;

import java.util.List;

/** Who made a request: user name and groups, as Kubernetes authenticators report them. */
public record UserInfo(String name, List<String> groups) {
    public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", List.of("system:unauthenticated"));
}
