package dev.beluga.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from the properties Maven writes at build time. */
public final class BelugaVersion implements CommandLine.IVersionProvider {
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = BelugaVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // fall through
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Beluga v" + version(), "Java " + System.getProperty("java.version") + " ("
            + System.getProperty("java.vm.name") + ")", "Kubernetes API compatibility target: v1.32"};
    }
}
