package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.auth.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestAttributesTest {
    @ParameterizedTest(name = "{0} {1}?{2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // method | path | query | resource? | verb | group | namespace | resource | subresource | name
        "GET    | /api/v1/namespaces/default/pods                 | -                      | true  | list | | default | pods | | ",
        "GET    | /api/v1/namespaces/default/pods                 | watch=true             | true  | watch | | default | pods | | ",
        "GET    | /api/v1/namespaces/default/pods                 | watch=1&fieldSelector=metadata.name%3Dp | true | watch | | default | pods | | p",
        "GET    | /api/v1/watch/namespaces/default/pods           | -                      | true  | watch | | default | pods | | ",
        "GET    | /api/v1/watch/namespaces/default/pods/p         | -                      | true  | watch | | default | pods | | p",
        "GET    | /api/v1/namespaces/default/pods/p               | -                      | true  | get | | default | pods | | p",
        "GET    | /api/v1/namespaces/default/pods/p/log           | -                      | true  | get | | default | pods | log | p",
        "POST   | /api/v1/namespaces/default/pods/p/exec          | -                      | true  | create | | default | pods | exec | p",
        "POST   | /api/v1/namespaces/default/pods/p/binding       | -                      | true  | create | | default | pods | binding | p",
        "PUT    | /apis/apps/v1/namespaces/ns/deployments/d/scale | -                      | true  | update | apps | ns | deployments | scale | d",
        "PATCH  | /api/v1/nodes/n1/status                         | -                      | true  | patch | | | nodes | status | n1",
        "DELETE | /api/v1/namespaces/ns/configmaps                | -                      | true  | deletecollection | | ns | configmaps | | ",
        "DELETE | /api/v1/namespaces/ns/configmaps/c              | -                      | true  | delete | | ns | configmaps | | c",
        "GET    | /api/v1/namespaces/ns                           | -                      | true  | get | | ns | namespaces | | ns",
        "PUT    | /api/v1/namespaces/ns/finalize                  | -                      | true  | update | | ns | namespaces | finalize | ns",
        "GET    | /api/v1/namespaces                              | -                      | true  | list | | | namespaces | | ",
        "POST   | /apis/authorization.k8s.io/v1/selfsubjectaccessreviews | -               | true  | create | authorization.k8s.io | | selfsubjectaccessreviews | | ",
        "GET    | /apis/metrics.k8s.io/v1beta1/nodes              | -                      | true  | list | metrics.k8s.io | | nodes | | ",
        "GET    | /api/v1/proxy/nodes/n1/stats                    | -                      | true  | proxy | | | nodes | | n1",
        "GET    | /api                                            | -                      | false | get | | | | | ",
        "GET    | /api/v1                                         | -                      | false | get | | | | | ",
        "GET    | /apis/apps/v1                                   | -                      | false | get | | | | | ",
        "GET    | /openapi/v3/apis/apps/v1                        | -                      | false | get | | | | | ",
        "HEAD   | /healthz                                        | -                      | false | head | | | | | ",
    })
    void parses(String method, String path, String query, boolean resourceRequest, String verb, String group, String namespace,
                String resource, String subresource, String name) {
        Map<String, String> q = new HashMap<>();
        if (query != null) for (String kv : query.split("&")) {
            String[] p = kv.split("=", 2);
            q.put(p[0], java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        Attributes a = RequestAttributes.of(new UserInfo("u", List.of()), method, path, q::get);
        assertThat(a.resourceRequest()).isEqualTo(resourceRequest);
        assertThat(a.verb()).isEqualTo(verb);
        if (!resourceRequest) {
            assertThat(a.path()).isEqualTo(path);
            return;
        }
        assertThat(a.apiGroup()).isEqualTo(group == null ? "" : group);
        assertThat(a.namespace()).isEqualTo(namespace == null ? "" : namespace);
        assertThat(a.resource()).isEqualTo(resource);
        assertThat(a.subresource()).isEqualTo(subresource == null ? "" : subresource);
        assertThat(a.name()).isEqualTo(name == null ? "" : name);
    }
}
