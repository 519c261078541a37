package dev.beluga.agent.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryJsonTest {
    @Test
    void writesUpstreamsSummaryApiShape() throws Exception {
        String expected = """
            {"node": {"nodeName": "node-1", "startTime": "2024-05-01T08:00:00Z",
                      "cpu": {"time": "2024-05-01T10:00:00Z", "usageNanoCores": 250000000, "usageCoreNanoSeconds": 12345000000000},
                      "memory": {"time": "2024-05-01T10:00:00Z", "availableBytes": 1000000000, "usageBytes": 2000000000,
                                 "workingSetBytes": 1262211072, "rssBytes": 500000000}},
             "pods": [
               {"podRef": {"name": "web", "namespace": "default", "uid": "u-1"}, "startTime": "2024-05-01T09:29:59Z",
                "containers": [
                  {"name": "app", "startTime": "2024-05-01T09:30:00Z",
                   "cpu": {"time": "2024-05-01T10:00:00Z", "usageNanoCores": 100000000, "usageCoreNanoSeconds": 1500000000},
                   "memory": {"time": "2024-05-01T10:00:00Z", "usageBytes": 20000000, "workingSetBytes": 13754368, "rssBytes": 8000000}},
                  {"name": "side\\"car", "startTime": "2024-05-01T09:30:01Z",
                   "cpu": {"time": "2024-05-01T10:00:00Z", "usageCoreNanoSeconds": 73596000},
                   "memory": {"time": "2024-05-01T10:00:00Z", "availableBytes": 52000, "workingSetBytes": 1000}}],
                "cpu": {"time": "2024-05-01T10:00:00Z", "usageCoreNanoSeconds": 1573596000},
                "memory": {"time": "2024-05-01T10:00:00Z", "workingSetBytes": 13755368}},
               {"podRef": {"name": "dns", "namespace": "kube-system", "uid": "u-2"}, "startTime": "2024-05-01T09:00:00Z",
                "containers": []}]}
            """;
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(SummaryJson.bytes(SampleSummaries.sample()))).isEqualTo(mapper.readTree(expected));
    }
}
