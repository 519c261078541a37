package dev.beluga.apiserver.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against a test server, with its own discovery cache directory. */
final class Kubectl {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path cache;

    Kubectl(Path binary, Path kubeconfig, Path cache) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.cache = cache;
    }

    Result run(String stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, java.util.Map.of(), args);
    }

    Result runWithEnv(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(null, env, args);
    }

    /** Starts kubectl without waiting (for -w); the caller ends it. */
    Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(), "--cache-dir", cache.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", cache.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    Result run(String stdin, java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(), "--cache-dir", cache.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", cache.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(cache, "out", ".txt");
        Path err = Files.createTempFile(cache, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Result ok(String... args) throws IOException, InterruptedException {
        Result r = run(null, args);
        if (r.exit() != 0) throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + r);
        return r;
    }

    Result apply(String yaml, String... extra) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("apply", "-f", "-"));
        a.addAll(List.of(extra));
        Result r = run(yaml, a.toArray(String[]::new));
        if (r.exit() != 0) throw new AssertionError("kubectl apply failed: " + r);
        return r;
    }
}
