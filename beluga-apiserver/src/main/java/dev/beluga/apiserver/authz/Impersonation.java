package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.UserInfo;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * User impersonation ({@code kubectl --as}, {@code --as-group}, {@code --as-uid}), as upstream's impersonation filter:
 * the headers {@code Impersonate-User}, {@code Impersonate-Group} (repeatable), {@code Impersonate-Uid} and
 * {@code Impersonate-Extra-KEY} are each authorized with the verb {@code impersonate} — on {@code users} (or, for
 * {@code system:serviceaccount:NS:NAME}, on {@code serviceaccounts} NAME in NS), {@code groups},
 * {@code authentication.k8s.io} {@code uids} and {@code userextras/KEY} — and the request then runs as that user. A
 * non-anonymous impersonated user always gets {@code system:authenticated}; a ServiceAccount also
 * {@code system:serviceaccounts} and {@code system:serviceaccounts:NS}. Groups, uid or extras without a user are 400.
 * Uid and extras are authorized but not carried further (UserInfo holds a name and groups). Stateless.
 */
public final class Impersonation {
    private static final String SA_PREFIX = "system:serviceaccount:";

    private Impersonation() {
    }

    /** The user to run the request as: {@code requester} itself when no impersonation header is present. */
    public static UserInfo apply(UserInfo requester, HttpFields headers, AuthorizerChain authorizer) {
        String user = headers.get("Impersonate-User");
        List<String> groups = headers.getValuesList("Impersonate-Group");
        String uid = headers.get("Impersonate-Uid");
        List<String[]> extras = new ArrayList<>();
        for (HttpField f : headers) {
            String n = f.getName().toLowerCase(Locale.ROOT);
            if (n.startsWith("impersonate-extra-"))
                extras.add(new String[]{URLDecoder.decode(n.substring(18), StandardCharsets.UTF_8), f.getValue()});
        }
        if (user == null) {
            if (!groups.isEmpty() || uid != null || !extras.isEmpty())
                throw StatusException.badRequest("requested " + describe(groups, uid, extras) + " without impersonating a user");
            return requester;
        }
        if (user.startsWith(SA_PREFIX)) {
            String[] nsName = user.substring(SA_PREFIX.length()).split(":", 2);
            if (nsName.length != 2 || nsName[0].isEmpty() || nsName[1].isEmpty())
                throw StatusException.badRequest("invalid service account username: " + user);
            authorizer.check(Attributes.resource(requester, "impersonate", "", "serviceaccounts", "", nsName[0], nsName[1]));
        } else {
            authorizer.check(Attributes.resource(requester, "impersonate", "", "users", "", "", user));
        }
        for (String g : groups) authorizer.check(Attributes.resource(requester, "impersonate", "", "groups", "", "", g));
        if (uid != null) authorizer.check(Attributes.resource(requester, "impersonate", "authentication.k8s.io", "uids", "", "", uid));
        for (String[] e : extras)
            authorizer.check(Attributes.resource(requester, "impersonate", "authentication.k8s.io", "userextras", e[0], "", e[1]));
        List<String> result = new ArrayList<>(groups);
        if (user.startsWith(SA_PREFIX) && groups.isEmpty()) {
            result.add("system:serviceaccounts");
            result.add("system:serviceaccounts:" + user.substring(SA_PREFIX.length()).split(":", 2)[0]);
        }
        if (user.equals(UserInfo.ANONYMOUS.name())) {
            if (groups.isEmpty()) result.add("system:unauthenticated");
        } else if (!result.contains("system:authenticated")) {
            result.add("system:authenticated");
        }
        return new UserInfo(user, List.copyOf(result));
    }

    private static String describe(List<String> groups, String uid, List<String[]> extras) {
        List<String> parts = new ArrayList<>();
        for (String g : groups) parts.add("groups=" + g);
        if (uid != null) parts.add("uid=" + uid);
        for (String[] e : extras) parts.add("extra[" + e[0] + "]=" + e[1]);
        return String.join(", ", parts);
    }
}
