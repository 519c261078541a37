package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.beluga.api.TestJson.j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Strategic merge patch on built-in kinds: the examples of the Kubernetes documentation ("Update API Objects in Place
 * Using kubectl patch", the strategic merge patch design notes) and the patches kubectl sends.
 */
class KubernetesStrategicMergePatchTest {
    private static final String DEPLOYMENT = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'patch-demo'},"
        + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':{'labels':{'app':'nginx'}},"
        + "'spec':{'containers':[{'name':'patch-demo-ctr','image':'nginx'}],"
        + "'tolerations':[{'effect':'NoSchedule','key':'dedicated','value':'test-team'}]}}}}";

    private static final String POD = "{'metadata':{'name':'p','finalizers':['a','b'],'ownerReferences':[{'uid':'u1','kind':'ReplicaSet','name':'rs'}]},"
        + "'spec':{'containers':[{'name':'app','image':'app:1','ports':[{'containerPort':80,'protocol':'TCP'}],"
        + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],'volumeMounts':[{'name':'data','mountPath':'/data'}]},"
        + "{'name':'sidecar','image':'proxy:1'}],'volumes':[{'name':'data','emptyDir':{}}],"
        + "'tolerations':[{'key':'k1','operator':'Exists'}]},"
        + "'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'PodScheduled','status':'True'}]}}";

    static Stream<Arguments> cases() {
        return Stream.of(
            arguments("docs: a container added by name is merged into the list (and comes first)", "apps", "Deployment", DEPLOYMENT,
                "{'spec':{'template':{'spec':{'containers':[{'name':'patch-demo-ctr-2','image':'redis'}]}}}}",
                "/spec/template/spec/containers",
                "[{'name':'patch-demo-ctr-2','image':'redis'},{'name':'patch-demo-ctr','image':'nginx'}]"),
            arguments("docs: tolerations have no merge key and are replaced", "apps", "Deployment", DEPLOYMENT,
                "{'spec':{'template':{'spec':{'tolerations':[{'effect':'NoSchedule','key':'disktype','value':'ssd'}]}}}}",
                "/spec/template/spec/tolerations", "[{'effect':'NoSchedule','key':'disktype','value':'ssd'}]"),
            arguments("docs: $retainKeys clears rollingUpdate when switching to Recreate", "apps", "Deployment",
                "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'30%','maxUnavailable':'30%'}}}}",
                "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}", "/spec/strategy", "{'type':'Recreate'}"),
            arguments("docs: without $retainKeys rollingUpdate stays", "apps", "Deployment",
                "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'30%'}}}}",
                "{'spec':{'strategy':{'type':'Recreate'}}}", "/spec/strategy", "{'type':'Recreate','rollingUpdate':{'maxSurge':'30%'}}"),
            arguments("$patch: delete removes a container", "", "Pod", POD,
                "{'spec':{'containers':[{'name':'app','$patch':'delete'}]}}", "/spec/containers", "[{'name':'sidecar','image':'proxy:1'}]"),
            arguments("$patch: replace replaces the containers", "", "Pod", POD,
                "{'spec':{'containers':[{'name':'only','image':'x'},{'$patch':'replace'}]}}", "/spec/containers",
                "[{'name':'only','image':'x'}]"),
            arguments("$setElementOrder/containers reorders", "", "Pod", POD,
                "{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},{'name':'app'}]}}", "/spec/containers/0/name", "'sidecar'"),
            arguments("container ports merge by containerPort", "", "Pod", POD,
                "{'spec':{'containers':[{'name':'app','ports':[{'containerPort':80,'name':'http'},{'containerPort':443}]}]}}",
                "/spec/containers/0/ports", "[{'containerPort':80,'protocol':'TCP','name':'http'},{'containerPort':443}]"),
            arguments("env merges by name", "", "Pod", POD,
                "{'spec':{'containers':[{'name':'app','env':[{'name':'B','value':'3'},{'name':'A','$patch':'delete'}]}]}}",
                "/spec/containers/0/env", "[{'name':'B','value':'3'}]"),
            arguments("volumeMounts merge by mountPath", "", "Pod", POD,
                "{'spec':{'containers':[{'name':'app','volumeMounts':[{'mountPath':'/data','readOnly':true}]}]}}",
                "/spec/containers/0/volumeMounts", "[{'name':'data','mountPath':'/data','readOnly':true}]"),
            arguments("volumes merge by name and honour $retainKeys", "", "Pod", POD,
                "{'spec':{'volumes':[{'name':'data','$retainKeys':['name','configMap'],'configMap':{'name':'cm'}}]}}",
                "/spec/volumes", "[{'name':'data','configMap':{'name':'cm'}}]"),
            arguments("pod tolerations are replaced", "", "Pod", POD,
                "{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}]}}", "/spec/tolerations", "[{'key':'k2','operator':'Exists'}]"),
            arguments("finalizers are a set", "", "Pod", POD, "{'metadata':{'finalizers':['b','c']}}", "/metadata/finalizers",
                "['a','b','c']"),
            arguments("$deleteFromPrimitiveList/finalizers", "", "Pod", POD,
                "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}", "/metadata/finalizers", "['b']"),
            arguments("kubectl apply removing a finalizer and adding one", "", "Pod", POD,
                "{'metadata':{'$setElementOrder/finalizers':['b','c'],'$deleteFromPrimitiveList/finalizers':['a'],'finalizers':['c']}}",
                "/metadata/finalizers", "['b','c']"),
            arguments("ownerReferences merge by uid", "", "Pod", POD,
                "{'metadata':{'ownerReferences':[{'uid':'u1','controller':true}]}}", "/metadata/ownerReferences",
                "[{'uid':'u1','kind':'ReplicaSet','name':'rs','controller':true}]"),
            arguments("status conditions merge by type", "", "Pod", POD,
                "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}", "/status/conditions",
                "[{'type':'Ready','status':'True'},{'type':'PodScheduled','status':'True'}]"),
            arguments("service ports merge by port", "", "Service",
                "{'spec':{'ports':[{'name':'http','port':80,'targetPort':8080}]}}",
                "{'spec':{'ports':[{'name':'http','port':80,'targetPort':9090}]}}", "/spec/ports",
                "[{'name':'http','port':80,'targetPort':9090}]"),
            arguments("node addresses merge by type, taints are replaced", "", "Node",
                "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]},'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.1'},"
                    + "{'type':'Hostname','address':'n1'}]}}",
                "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]},'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.2'}]}}",
                "", "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]},'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.2'},"
                    + "{'type':'Hostname','address':'n1'}]}}"),
            arguments("cron job pod template containers merge by name", "batch", "CronJob",
                "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'job','image':'a','args':['x']}]}}}}}}",
                "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'job','image':'b'}]}}}}}}",
                "/spec/jobTemplate/spec/template/spec/containers", "[{'name':'job','image':'b','args':['x']}]"),
            arguments("stateful set template init containers merge by name", "apps", "StatefulSet",
                "{'spec':{'template':{'spec':{'initContainers':[{'name':'init','image':'a'}]}}}}",
                "{'spec':{'template':{'spec':{'initContainers':[{'name':'init','command':['sh']}]}}}}",
                "/spec/template/spec/initContainers", "[{'name':'init','image':'a','command':['sh']}]"),
            arguments("a PodDisruptionBudget selector is replaced", "policy", "PodDisruptionBudget",
                "{'spec':{'selector':{'matchLabels':{'a':'1'}}}}", "{'spec':{'selector':{'matchLabels':{'b':'2'}}}}",
                "/spec/selector", "{'matchLabels':{'b':'2'}}"),
            arguments("a Deployment selector is merged", "apps", "Deployment",
                "{'spec':{'selector':{'matchLabels':{'a':'1'}}}}", "{'spec':{'selector':{'matchLabels':{'b':'2'}}}}",
                "/spec/selector", "{'matchLabels':{'a':'1','b':'2'}}"),
            arguments("custom resources merge lists as a JSON merge patch would", "example.com", "Pod",
                "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'name':'b'}]}}", "/spec/containers", "[{'name':'b'}]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void patchesBuiltinKinds(String name, String group, String kind, String live, String patch, String pointer, String expected) {
        JsonNode out = StrategicMergePatch.apply(j(live), j(patch), BuiltinPatchMeta.forKind(group, kind));
        assertThat(out.at(pointer)).isEqualTo(j(expected));
    }

    @Test
    void theShapeKubectlClientSideApplySends() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode live = m.readTree("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"old\\":true}","other":"x"}},
             "spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"web"}},"spec":{
               "containers":[{"name":"web","image":"nginx:1","ports":[{"containerPort":80}],"resources":{}}],
               "restartPolicy":"Always"}}}}""");
        JsonNode patch = m.readTree("""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"new\\":true}"}},
             "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],
               "containers":[{"image":"nginx:2","name":"web"}]}}}}""");
        JsonNode out = StrategicMergePatch.apply(live, patch, BuiltinPatchMeta.forKind("apps", "Deployment"));
        assertThat(out).isEqualTo(m.readTree("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"new\\":true}","other":"x"}},
             "spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"web"}},"spec":{
               "containers":[{"name":"web","image":"nginx:2","ports":[{"containerPort":80}],"resources":{}}],
               "restartPolicy":"Always"}}}}"""));
    }

    @Test
    void kubectlApplyRenamingAContainer() {
        JsonNode live = j("{'spec':{'template':{'spec':{'containers':[{'name':'web','image':'nginx'},"
            + "{'name':'injected','image':'mesh'},{'name':'old','image':'log:1'}]}}}}");
        JsonNode patch = j("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'new'}],"
            + "'containers':[{'name':'new','image':'log:2'},{'name':'old','$patch':'delete'}]}}}}");
        JsonNode out = StrategicMergePatch.apply(live, patch, BuiltinPatchMeta.forKind("apps", "Deployment"));
        assertThat(out.at("/spec/template/spec/containers")).isEqualTo(j(
            "[{'name':'web','image':'nginx'},{'name':'injected','image':'mesh'},{'name':'new','image':'log:2'}]"));
    }
}
