package dev.beluga.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

/** What the program is: its one-line description and the version of this build (from the properties Maven writes). */
public final class BelugaVersion {
    /** The program's description, first in {@code beluga --help}. */
    public static final String DESCRIPTION = "Beluga: a Kubernetes-compatible container orchestrator in one program.";

    private BelugaVersion() {
    }

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = BelugaVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // fall through
        }
        return p.getProperty("version", "unknown");
    }

    /** What {@code beluga version} and {@code beluga --version} print. */
    public static List<String> lines() {
        return List.of("Beluga v" + version(), "Java " + System.getProperty("java.version") + " ("
            + System.getProperty("java.vm.name") + ")", "Kubernetes API compatibility target: v1.32");
    }
}
