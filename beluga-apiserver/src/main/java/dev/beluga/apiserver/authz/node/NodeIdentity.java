package dev.beluga.apiserver.authz.node;

import dev.beluga.apiserver.auth.UserInfo;

/** Who is a node: a user {@code system:node:NAME} in the group {@code system:nodes}, as upstream's {@code NodeIdentifier}. */
public final class NodeIdentity {
    public static final String GROUP = "system:nodes";
    public static final String USER_PREFIX = "system:node:";

    private NodeIdentity() {
    }

    /** The node's name, or null when {@code user} is not a node. */
    public static String nodeName(UserInfo user) {
        if (user == null || !user.groups().contains(GROUP) || !user.name().startsWith(USER_PREFIX)) return null;
        String name = user.name().substring(USER_PREFIX.length());
        return name.isEmpty() ? null : name;
    }
}
