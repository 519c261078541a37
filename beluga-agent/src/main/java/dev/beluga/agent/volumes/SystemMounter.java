package dev.beluga.agent.volumes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@link Mounter} with the system's {@code mount} and {@code umount} commands (needs CAP_SYS_ADMIN) and
 * {@code /proc/self/mountinfo} for listing. Stateless; safe for concurrent use.
 */
public final class SystemMounter implements Mounter {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    @Override
    public void mountTmpfs(Path target, OptionalLong sizeBytes) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
        if (sizeBytes.isPresent()) cmd.addAll(List.of("-o", "size=" + sizeBytes.getAsLong()));
        cmd.addAll(List.of("tmpfs", target.toString()));
        run(cmd);
    }

    @Override
    public void unmount(Path target) throws IOException {
        run(List.of("umount", target.toString()));
    }

    @Override
    public List<Path> mountPointsUnder(Path dir) throws IOException {
        Path base = real(dir);
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length < 5) continue;
            Path mp = Path.of(unescape(f[4]));
            if (mp.startsWith(base) && !out.contains(mp)) out.add(mp);
        }
        out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return out;
    }

    /** mountinfo lists resolved paths, so compare with the resolved form of {@code p} where it exists. */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) if (s.charAt(i) < '0' || s.charAt(i) > '7') return false;
        return true;
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip(); // ends when the command exits
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + output);
    }
}
