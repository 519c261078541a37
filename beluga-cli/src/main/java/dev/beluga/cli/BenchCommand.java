package dev.beluga.cli;

import dev.beluga.store.bench.StoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code beluga bench ...}: the benchmarks; each prints a table and a {@code BENCH {json}} line. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
    subcommands = {BenchCommand.Store.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "store", mixinStandardHelpOptions = true,
        description = "Embedded store vs a local etcd: 1 and 16 writers, reads, watch delivery latency.")
    static final class Store implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the stores are created (default: the temp dir).")
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        @Option(names = "--no-etcd", description = "Skip the etcd run.")
        boolean noEtcd;

        @Option(names = "--quick", description = "Fewer operations (a smoke run, figures less stable).")
        boolean quick;

        @Override
        public Integer call() throws Exception {
            StoreBenchmark.Config c = StoreBenchmark.Config.defaults(workDir);
            if (quick) c = new StoreBenchmark.Config(5000, 300, 16, 100, 16, 200, 200, 1000, !noEtcd, workDir);
            else if (noEtcd) c = new StoreBenchmark.Config(c.restartKeys(), c.singleWriterPuts(), c.concurrentWriters(), c.putsPerWriter(),
                c.readers(), c.readsPerReader(), c.watchEvents(), c.watchRatePerSecond(), false, workDir);
            new StoreBenchmark(c, System.out).run();
            return 0;
        }
    }
}
