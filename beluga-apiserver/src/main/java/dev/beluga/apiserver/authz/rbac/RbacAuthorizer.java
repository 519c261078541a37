package dev.beluga.apiserver.authz.rbac;

import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.Attributes;
import dev.beluga.apiserver.authz.Authorizer;
import dev.beluga.apiserver.authz.Decision;

/**
 * The RBAC authorizer (upstream's {@code rbac.RBACAuthorizer}): allows a request when some rule of a role bound to the
 * user allows it, and has no opinion otherwise (RBAC never denies). The allow reason names the binding, as upstream:
 * {@code RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "alice"}. Thread-safe.
 */
public final class RbacAuthorizer implements Authorizer {
    private final RbacIndex index;

    public RbacAuthorizer(RbacIndex index) {
        this.index = index;
    }

    @Override
    public Decision authorize(Attributes a) {
        String[] reason = {null};
        index.visitRules(a.user(), a.namespace(), (b, s, r) -> {
            if (!r.allows(a)) return true;
            String which = b.namespace().isEmpty() ? "ClusterRoleBinding \"" + b.name() + "\""
                : "RoleBinding \"" + b.name() + "/" + b.namespace() + "\"";
            reason[0] = "RBAC: allowed by " + which + " of " + b.roleKind() + " \"" + b.roleName() + "\" to "
                + s.describe(b.namespace());
            return false;
        });
        return reason[0] != null ? Decision.allow(reason[0]) : Decision.NO_OPINION;
    }

    @Override
    public RuleSet rulesFor(UserInfo user, String namespace) {
        return new RuleSet(index.rulesFor(user, namespace), false);
    }
}
