package dev.beluga.apiserver.authz.rbac;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a set of rules grants everything another set grants (upstream's {@code validation.Covers}), the test of RBAC
 * escalation prevention: a user may create a role, or bind one, only with rules they hold themselves. The requested
 * rules are broken down to one verb, group, resource and name (or one verb and URL) each, and each piece must be
 * covered by one owner rule. Stateless.
 */
public final class Coverage {
    private Coverage() {
    }

    /** The pieces of {@code requested} that {@code owner} does not cover (empty: fully covered). */
    public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> requested) {
        List<PolicyRule> missing = new ArrayList<>();
        for (PolicyRule r : requested) {
            for (PolicyRule piece : breakdown(r)) {
                boolean covered = false;
                for (PolicyRule o : owner) {
                    if (covers(o, piece)) {
                        covered = true;
                        break;
                    }
                }
                if (!covered) missing.add(piece);
            }
        }
        return missing;
    }

    static List<PolicyRule> breakdown(PolicyRule r) {
        List<PolicyRule> out = new ArrayList<>();
        for (String group : r.apiGroups())
            for (String resource : r.resources())
                for (String verb : r.verbs()) {
                    PolicyRule one = PolicyRule.resources(List.of(verb), List.of(group), List.of(resource));
                    if (r.resourceNames().isEmpty()) out.add(one);
                    else for (String name : r.resourceNames()) out.add(one.withNames(List.of(name)));
                }
        for (String url : r.nonResourceURLs())
            for (String verb : r.verbs()) out.add(PolicyRule.urls(List.of(verb), List.of(url)));
        return out;
    }

    static boolean covers(PolicyRule owner, PolicyRule piece) {
        boolean verbs = owner.verbs().contains(PolicyRule.ALL) || owner.verbs().containsAll(piece.verbs());
        boolean groups = owner.apiGroups().contains(PolicyRule.ALL) || owner.apiGroups().containsAll(piece.apiGroups());
        boolean names = owner.resourceNames().isEmpty()
            || !piece.resourceNames().isEmpty() && owner.resourceNames().containsAll(piece.resourceNames());
        return verbs && groups && names && resourcesCovered(owner.resources(), piece.resources())
            && urlsCovered(owner.nonResourceURLs(), piece.nonResourceURLs());
    }

    private static boolean resourcesCovered(List<String> owner, List<String> requested) {
        if (owner.contains(PolicyRule.ALL)) return true;
        for (String r : requested) {
            if (owner.contains(r)) continue;
            int slash = r.indexOf('/');
            if (slash < 0 || !owner.contains("*" + r.substring(slash))) return false;
        }
        return true;
    }

    private static boolean urlsCovered(List<String> owner, List<String> requested) {
        for (String url : requested) {
            boolean ok = false;
            for (String o : owner) {
                if (o.equals(url) || o.equals(PolicyRule.ALL) || o.endsWith("*") && url.startsWith(o.substring(0, o.length() - 1))) {
                    ok = true;
                    break;
                }
            }
            if (!ok) return false;
        }
        return true;
    }
}
