package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.patch.BuiltinPatchMeta;
import dev.beluga.api.patch.PatchMeta;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server-side apply over lists with merge keys, shared ownership, conflicts and removal, without HTTP. */
class ServerSideApplyTest {
    private static final PatchMeta DEPLOYMENT = BuiltinPatchMeta.forKind("apps", "Deployment");

    private static ObjectNode j(String s) {
        return Json.parseObject(s.replace('\'', '"').getBytes());
    }

    /** Applies like the registry does: merge, then record the manager's ownership. */
    private static ObjectNode apply(ObjectNode live, String manager, ObjectNode config, boolean force) {
        ObjectNode result = ServerSideApply.apply(live, config, manager, force, DEPLOYMENT, "apps", "Deployment");
        ManagedFields.recordApply(result, live, config, manager, "apps/v1", "2026-01-01T00:00:00Z", DEPLOYMENT);
        return result;
    }

    private static ObjectNode deployment(String containers) {
        return j("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':{'spec':{'containers':[" + containers + "]}}}}");
    }

    @Test
    void eachManagerOwnsItsContainersAndDroppingOneRemovesOnlyIt() {
        ObjectNode live = j("{'metadata':{'name':'web'}}");
        live = apply(live, "team-a", deployment("{'name':'app','image':'app:1'}"), false);
        live = apply(live, "team-b", deployment("{'name':'sidecar','image':'proxy:1'}"), false);
        assertThat(live.at("/spec/template/spec/containers")).hasSize(2);
        assertThat(live.at("/metadata/managedFields")).hasSize(2);

        // team-a applies again without its container: it is removed; team-b's stays
        live = apply(live, "team-a", j("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'}}"), false);
        assertThat(live.at("/spec/template/spec/containers")).hasSize(1);
        assertThat(live.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("sidecar");
    }

    @Test
    void changingAnotherManagersFieldConflictsUnlessForced() {
        ObjectNode live = apply(j("{'metadata':{'name':'web'}}"), "team-a", deployment("{'name':'app','image':'app:1'}"), false);
        ObjectNode finalLive = live;
        assertThatThrownBy(() -> apply(finalLive, "team-b", deployment("{'name':'app','image':'app:2'}"), false))
            .isInstanceOfSatisfying(StatusException.class, e -> {
                assertThat(e.code()).isEqualTo(409);
                assertThat(e.causes()).extracting(StatusException.Cause::field)
                    .containsExactly(".spec.template.spec.containers[name=\"app\"].image");
                assertThat(e.getMessage()).contains("conflict with \"team-a\"");
            });
        // the same value is no conflict: ownership is shared
        ObjectNode shared = apply(live, "team-b", deployment("{'name':'app','image':'app:1'}"), false);
        assertThat(shared.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("app:1");
        // forced: team-b takes the field
        ObjectNode forced = apply(live, "team-b", deployment("{'name':'app','image':'app:2'}"), true);
        assertThat(forced.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("app:2");
        ObjectNode again = apply(forced, "team-b", deployment("{'name':'app','image':'app:3'}"), false);
        assertThat(again.at("/spec/template/spec/containers/0/image").asText()).as("team-b now owns it").isEqualTo("app:3");
    }

    @Test
    void fieldSetsUseMergeKeysAndSetMembers() {
        ObjectNode set = FieldSets.of(j("{'metadata':{'name':'x','labels':{'a':'1'},'finalizers':['f1']},'spec':{'template':{'spec':"
            + "{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80}]}]}}}}"), DEPLOYMENT);
        assertThat(set.at("/f:metadata/f:labels/f:a").isObject()).isTrue();
        assertThat(set.at("/f:metadata").has("f:name")).as("identity is not owned").isFalse();
        assertThat(set.at("/f:metadata/f:finalizers").has("v:\"f1\"")).isTrue();
        ObjectNode container = (ObjectNode) set.at("/f:spec/f:template/f:spec/f:containers").get("k:{\"name\":\"c\"}");
        assertThat(container.has(".")).isTrue();
        assertThat(container.at("/f:ports").has("k:{\"containerPort\":80}")).isTrue();
        assertThat(ServerSideApply.paths(set, "")).contains(".metadata.labels.a", ".spec.template.spec.containers[name=\"c\"].image");
    }
}
