package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.UserInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthorizerChainTest {
    private static final UserInfo ALICE = new UserInfo("alice", List.of("system:authenticated"));

    @Test
    void firstDecisionWinsAndMastersAreAlwaysAllowed() {
        Authorizer noOpinion = a -> Decision.noOpinion("not mine");
        Authorizer deny = a -> Decision.deny("no");
        Authorizer allow = a -> Decision.allow("yes");
        Attributes a = Attributes.resource(ALICE, "get", "", "pods", "", "default", "p");
        assertThat(new AuthorizerChain(List.of(noOpinion, allow, deny)).authorize(a).allowed()).isTrue();
        assertThat(new AuthorizerChain(List.of(deny, allow)).authorize(a).kind()).isEqualTo(Decision.Kind.DENY);
        Decision none = new AuthorizerChain(List.of(noOpinion, noOpinion)).authorize(a);
        assertThat(none.allowed()).isFalse();
        assertThat(none.reason()).isEqualTo("not mine\nnot mine");
        Attributes admin = a.withUser(new UserInfo("root", List.of("system:masters")));
        assertThat(new AuthorizerChain(List.of(deny)).authorize(admin).allowed()).isTrue();
    }

    @Test
    void forbiddenMessagesAsUpstream() {
        StatusException named = AuthorizerChain.forbidden(Attributes.resource(ALICE, "get", "apps", "deployments", "scale", "ns", "web"), "");
        assertThat(named.code()).isEqualTo(403);
        assertThat(named.getMessage()).isEqualTo("deployments.apps \"web\" is forbidden: User \"alice\" cannot get resource"
            + " \"deployments/scale\" in API group \"apps\" in the namespace \"ns\"");
        assertThat(AuthorizerChain.forbidden(Attributes.resource(ALICE, "list", "", "nodes", "", "", ""), "why").getMessage())
            .isEqualTo("nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope: why");
        assertThat(AuthorizerChain.forbidden(Attributes.nonResource(ALICE, "get", "/metrics"), "").getMessage())
            .isEqualTo("forbidden: User \"alice\" cannot get path \"/metrics\"");
    }

    @Test
    void modes() {
        assertThat(AuthorizerChain.parseModes("Node,RBAC")).containsExactly("Node", "RBAC");
        assertThat(AuthorizerChain.parseModes(" AlwaysAllow ")).containsExactly("AlwaysAllow");
        assertThatThrownBy(() -> AuthorizerChain.parseModes("RBAC,Webhook")).hasMessageContaining("\"Webhook\" is not supported");
        assertThatThrownBy(() -> AuthorizerChain.parseModes("RBAC,RBAC")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> AuthorizerChain.parseModes(",")).hasMessageContaining("at least one");
    }
}
