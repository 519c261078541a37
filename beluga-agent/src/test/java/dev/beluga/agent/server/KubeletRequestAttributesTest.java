package dev.beluga.agent.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class KubeletRequestAttributesTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /stats/summary, get, stats",
        "GET, /stats, get, stats",
        "GET, /metrics, get, metrics",
        "GET, /metrics/resource, get, metrics",
        "GET, /metrics/cadvisor, get, metrics",
        "GET, /logs/syslog, get, log",
        "POST, /checkpoint/ns/p/c, create, checkpoint",
        "GET, /containerLogs/ns/p/c, get, proxy",
        "POST, /exec/ns/p/c, create, proxy",
        "GET, /exec/ns/p/c, get, proxy",
        "POST, /portForward/ns/p, create, proxy",
        "POST, /attach/ns/p/c, create, proxy",
        "POST, /run/ns/p/c, create, proxy",
        "GET, /pods, get, proxy",
        "GET, /healthz, get, proxy",
        "GET, /statsx, get, proxy",
        "HEAD, /healthz, get, proxy",
        "DELETE, /x, delete, proxy",
        "PUT, /x, update, proxy",
        "PATCH, /x, patch, proxy",
    })
    void mapsAsTheKubeletDoes(String method, String path, String verb, String subresource) {
        KubeletRequestAttributes a = KubeletRequestAttributes.of(method, path, "n1");
        assertThat(a.verb()).isEqualTo(verb);
        assertThat(a.subresource()).isEqualTo(subresource);
        assertThat(a.nodeName()).isEqualTo("n1");
        assertThat(a.refusal("alice")).isEqualTo("Forbidden (user=alice, verb=" + verb + ", resource=nodes, subresource=" + subresource + ")");
    }
}
