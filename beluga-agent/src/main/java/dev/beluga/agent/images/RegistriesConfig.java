package dev.beluga.agent.images;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The node's registry configuration, in k3s's {@code registries.yaml} format:
 * <pre>
 * mirrors:
 *   docker.io:                       # a registry name, or "*" for every registry
 *     endpoint: ["http://127.0.0.1:5000", "https://mirror.example.com"]
 * configs:
 *   "127.0.0.1:5000":                # a registry or mirror host[:port]
 *     auth: {username: u, password: p}          # or auth: base64(u:p)
 *     tls: {ca_file: ..., cert_file: ..., key_file: ..., insecure_skip_verify: true}
 * </pre>
 * Unknown fields are ignored (as k3s ignores what its containerd version cannot use). Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegistriesConfig(Map<String, Mirror> mirrors, Map<String, HostConfig> configs) {
    /** Where the agent looks when no file is given (k3s: /etc/rancher/k3s/registries.yaml). */
    public static final Path DEFAULT_PATH = Path.of("/etc/beluga/registries.yaml");
    public static final RegistriesConfig EMPTY = new RegistriesConfig(Map.of(), Map.of());

    public RegistriesConfig {
        mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mirror(List<String> endpoint) {
        public Mirror {
            endpoint = endpoint == null ? List.of() : List.copyOf(endpoint);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HostConfig(Auth auth, Tls tls) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Auth(String username, String password, String auth) {
        /** The base64 {@code user:password} of HTTP basic auth, or null. */
        public String basic() {
            if (auth != null && !auth.isBlank()) return auth.trim();
            if (username == null) return null;
            return java.util.Base64.getEncoder().encodeToString((username + ":" + (password == null ? "" : password))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tls(@JsonProperty("ca_file") String caFile, @JsonProperty("cert_file") String certFile,
                      @JsonProperty("key_file") String keyFile, @JsonProperty("insecure_skip_verify") boolean insecureSkipVerify) {}

    /** Reads {@code file}; EMPTY when it does not exist; a clear error naming the file when it is malformed. */
    public static RegistriesConfig load(Path file) throws IOException {
        if (file == null || !Files.exists(file)) return EMPTY;
        try {
            RegistriesConfig c = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), RegistriesConfig.class);
            return c == null ? EMPTY : c;
        } catch (IOException e) {
            throw new IOException("registry configuration " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    public HostConfig config(String host) {
        return configs.get(host);
    }
}
