package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.rbac.PolicyRule;

import java.util.List;

/**
 * Decides whether a request may proceed (upstream's {@code authorizer.Authorizer} and {@code RuleResolver}).
 *
 * <p>Threading: called concurrently from request threads; implementations are thread-safe.
 */
public interface Authorizer {
    Decision authorize(Attributes attributes);

    /**
     * The rules this authorizer grants {@code user} in {@code namespace} (cluster-wide ones included), for
     * SelfSubjectRulesReview; {@code incomplete} is set when the answer leaves rules out.
     */
    default RuleSet rulesFor(UserInfo user, String namespace) {
        return new RuleSet(List.of(), false);
    }

    /** Rules and whether they are known to be incomplete. */
    record RuleSet(List<PolicyRule> rules, boolean incomplete) {
    }
}
