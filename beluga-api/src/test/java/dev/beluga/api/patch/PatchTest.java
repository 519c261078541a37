package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final PatchMeta DEPLOYMENT = BuiltinPatchMeta.forKind("apps", "Deployment");
    private static final PatchMeta POD = BuiltinPatchMeta.forKind("", "Pod");

    private static JsonNode j(String s) {
        try {
            return M.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void jsonPatchOperations() {
        JsonNode doc = j("{'a':{'b':[1,2]},'c':'x','d~/':1}");
        JsonNode out = JsonPatch.apply(doc, j("[{'op':'add','path':'/a/b/-','value':3},{'op':'replace','path':'/c','value':'y'},"
            + "{'op':'remove','path':'/d~0~1'},{'op':'copy','from':'/c','path':'/e'},{'op':'move','from':'/a/b/0','path':'/f'},"
            + "{'op':'test','path':'/e','value':'y'},{'op':'add','path':'/a/b/0','value':0}]"));
        assertThat(out).isEqualTo(j("{'a':{'b':[0,2,3]},'c':'y','e':'y','f':1}"));
        assertThat(doc).as("input untouched").isEqualTo(j("{'a':{'b':[1,2]},'c':'x','d~/':1}"));
        assertThatThrownBy(() -> JsonPatch.apply(doc, j("[{'op':'test','path':'/c','value':'z'}]"))).isInstanceOf(PatchException.class)
            .hasMessageContaining("/c");
        assertThatThrownBy(() -> JsonPatch.apply(doc, j("[{'op':'remove','path':'/nope'}]"))).isInstanceOf(PatchException.class);
        assertThatThrownBy(() -> JsonPatch.apply(doc, j("[{'op':'replace','path':'/a/b/5','value':1}]"))).isInstanceOf(PatchException.class);
    }

    @Test
    void mergePatchRfc7386() {
        assertThat(MergePatch.apply(j("{'a':'b','c':{'d':'e','f':'g'}}"), j("{'a':'z','c':{'f':null}}")))
            .isEqualTo(j("{'a':'z','c':{'d':'e'}}"));
        assertThat(MergePatch.apply(j("{'a':[1,2]}"), j("{'a':[3]}"))).isEqualTo(j("{'a':[3]}"));
    }

    @Test
    void strategicMergeMergesContainersByNameAndKeepsOthers() {
        JsonNode live = j("{'spec':{'template':{'spec':{'containers':[{'name':'web','image':'a','ports':[{'containerPort':80}]},"
            + "{'name':'side','image':'s'}]}}}}");
        JsonNode patch = j("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'side'}],"
            + "'containers':[{'name':'web','image':'b','ports':[{'containerPort':443}]}]}}}}");
        JsonNode out = StrategicMergePatch.apply(live, patch, DEPLOYMENT);
        assertThat(out.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("b");
        assertThat(out.at("/spec/template/spec/containers/0/ports")).isEqualTo(j("[{'containerPort':80},{'containerPort':443}]"));
        assertThat(out.at("/spec/template/spec/containers/1/name").asText()).isEqualTo("side");
        assertThat(out.at("/spec/template/spec/containers").toString()).doesNotContain("$setElementOrder");
    }

    @Test
    void strategicMergeDirectives() {
        JsonNode live = j("{'metadata':{'finalizers':['a','b']},'spec':{'containers':[{'name':'x','image':'1'},{'name':'y','image':'2'}],"
            + "'tolerations':[{'key':'k1'}]}}");
        JsonNode out = StrategicMergePatch.apply(live, j("{'metadata':{'finalizers':['c'],'$deleteFromPrimitiveList/finalizers':['a']},"
            + "'spec':{'containers':[{'name':'x','$patch':'delete'}],'tolerations':[{'key':'k2'}]}}"), POD);
        assertThat(out.at("/metadata/finalizers")).isEqualTo(j("['b','c']"));
        assertThat(out.at("/spec/containers")).isEqualTo(j("[{'name':'y','image':'2'}]"));
        assertThat(out.at("/spec/tolerations")).as("no merge key: replaced").isEqualTo(j("[{'key':'k2'}]"));
        JsonNode replaced = StrategicMergePatch.apply(live, j("{'spec':{'$patch':'replace','containers':[{'name':'z','image':'3'}]}}"), POD);
        assertThat(replaced.path("spec")).isEqualTo(j("{'containers':[{'name':'z','image':'3'}]}"));
        JsonNode retained = StrategicMergePatch.apply(j("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}"),
            j("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"), DEPLOYMENT);
        assertThat(retained.at("/spec/strategy")).isEqualTo(j("{'type':'Recreate'}"));
        assertThat(StrategicMergePatch.apply(j("{'a':1,'b':2}"), j("{'b':null}"), POD)).isEqualTo(j("{'a':1}"));
    }
}
