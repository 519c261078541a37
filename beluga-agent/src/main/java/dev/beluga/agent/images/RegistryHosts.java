package dev.beluga.agent.images;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns {@link RegistriesConfig} into containerd's registry host configuration: one {@code <registry>/hosts.toml} per
 * mirrored or configured registry under containerd's {@code config_path} ({@code _default} for the {@code "*"}
 * mirror), each listing the mirror endpoints in order, with their TLS settings and basic-auth header, before the
 * registry itself — or instead of it when the default endpoint is disabled (air-gapped nodes: nothing is ever sent
 * to the registry's own address). For docker.io the node's built-in registry comes first. Rewrites every file it owns
 * on each call; idempotent.
 */
public final class RegistryHosts {
    private RegistryHosts() {
    }

    /**
     * @param builtinPort             the node's built-in registry on 127.0.0.1, first mirror of docker.io; empty for none
     * @param disableDefaultEndpoint  never fall back to a registry's own address
     */
    public static void write(Path certsDir, RegistriesConfig config, Optional<Integer> builtinPort, boolean disableDefaultEndpoint)
        throws IOException {
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        builtinPort.ifPresent(p -> hosts.computeIfAbsent("docker.io", k -> new ArrayList<>()).add("http://127.0.0.1:" + p));
        config.mirrors().forEach((registry, mirror) -> hosts.computeIfAbsent(registry, k -> new ArrayList<>()).addAll(mirror.endpoint()));
        for (String host : config.configs().keySet()) hosts.computeIfAbsent(host, k -> new ArrayList<>());
        for (var e : hosts.entrySet()) {
            Path dir = Files.createDirectories(certsDir.resolve(e.getKey().equals("*") ? "_default" : e.getKey()));
            Files.writeString(dir.resolve("hosts.toml"), toml(e.getKey(), e.getValue(), config, disableDefaultEndpoint));
        }
    }

    /** One registry's hosts.toml. */
    static String toml(String registry, List<String> endpoints, RegistriesConfig config, boolean disableDefaultEndpoint) {
        StringBuilder b = new StringBuilder();
        String server = registry.equals("*") ? null : registry.equals("docker.io") ? "https://registry-1.docker.io" : "https://" + registry;
        if (disableDefaultEndpoint && !endpoints.isEmpty()) server = endpoints.getFirst();
        if (server != null) {
            b.append("server = ").append(quote(server)).append('\n');
            appendSettings(b, null, config.config(host(server, registry)));
        }
        // every endpoint gets its host section, the server's too: containerd 1.6 refuses a file without one ("invalid
        // host tree") and then falls back to the registry's own address
        for (String endpoint : endpoints) {
            b.append('\n').append("[host.").append(quote(endpoint)).append("]\n");
            b.append("  capabilities = [\"pull\", \"resolve\"]\n");
            appendSettings(b, endpoint, config.config(host(endpoint, registry)));
        }
        return b.toString();
    }

    /** TLS settings and the auth header of the server ({@code endpoint} null) or of a host section. */
    private static void appendSettings(StringBuilder b, String endpoint, RegistriesConfig.HostConfig c) {
        if (c == null) return;
        String indent = endpoint == null ? "" : "  ";
        if (c.tls() != null) {
            if (c.tls().insecureSkipVerify()) b.append(indent).append("skip_verify = true\n");
            if (c.tls().caFile() != null) b.append(indent).append("ca = ").append(quote(c.tls().caFile())).append('\n');
            if (c.tls().certFile() != null && c.tls().keyFile() != null)
                b.append(indent).append("client = [[").append(quote(c.tls().certFile())).append(", ").append(quote(c.tls().keyFile())).append("]]\n");
        }
        if (c.auth() != null && c.auth().basic() != null) {
            b.append(indent).append(endpoint == null ? "[header]" : "[host." + quote(endpoint) + ".header]").append('\n');
            b.append(indent).append("  Authorization = ").append(quote("Basic " + c.auth().basic())).append('\n');
        }
    }

    /** host[:port] of an endpoint URL (the key of its {@code configs} entry). */
    static String host(String endpoint, String fallback) {
        try {
            URI u = URI.create(endpoint);
            if (u.getHost() == null) return fallback;
            return u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
