package dev.beluga.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CniConfigTest {
    @Test
    void gatewayIsTheFirstAddress() {
        assertEquals("10.42.3.1", CniConfig.gateway("10.42.3.0/24"));
        assertEquals("10.42.0.1", CniConfig.gateway("10.42.0.77/24"));
        assertEquals("192.168.0.1", CniConfig.gateway("192.168.0.0/16"));
        assertThrows(IllegalArgumentException.class, () -> CniConfig.gateway("fd00::/64"));
    }

    @Test
    void writesABridgeHostLocalPortmapLoopbackChain(@TempDir Path dir) throws Exception {
        Path f = CniConfig.write(dir.resolve("net.d"), "node-a-pods", "cni0", "10.42.1.0/24", dir.resolve("ipam"));
        JsonNode conf = new ObjectMapper().readTree(Files.readString(f));
        assertEquals("node-a-pods", conf.get("name").asText());
        assertEquals("bridge", conf.get("plugins").get(0).get("type").asText());
        assertEquals(false, conf.get("plugins").get(0).get("ipMasq").asBoolean());
        JsonNode range = conf.get("plugins").get(0).get("ipam").get("ranges").get(0).get(0);
        assertEquals("10.42.1.0/24", range.get("subnet").asText());
        assertEquals("10.42.1.1", range.get("gateway").asText());
        assertEquals(dir.resolve("ipam").toString(), conf.get("plugins").get(0).get("ipam").get("dataDir").asText());
        assertEquals("portmap", conf.get("plugins").get(1).get("type").asText());
        assertEquals("loopback", conf.get("plugins").get(2).get("type").asText());
        long modified = Files.getLastModifiedTime(f).toMillis();
        Thread.sleep(20);
        CniConfig.write(dir.resolve("net.d"), "node-a-pods", "cni0", "10.42.1.0/24", dir.resolve("ipam"));
        assertEquals(modified, Files.getLastModifiedTime(f).toMillis(), "an unchanged config is not rewritten");
    }
}
