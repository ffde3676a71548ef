package io.dexnode.cli;

import io.dexnode.bench.archive.ArchiveCompressionBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dexnode bench archive}: bytes on disk per archived order and per trade under each compression. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Bytes on disk per archived order and per trade, uncompressed, LZ4, ZSTD and ZSTD with a dictionary.")
public final class BenchArchiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--orders", paramLabel = "N", description = "order transactions through the engine (default ${DEFAULT-VALUE})")
    int orders = 200_000;

    @Option(names = "--block-txs", paramLabel = "K", description = "transactions per block (default ${DEFAULT-VALUE})")
    int blockTxs = 500;

    @Option(names = "--archive-after", paramLabel = "N", description = "archiveAfterBlocks of the chain (default ${DEFAULT-VALUE})")
    int archiveAfter = 5;

    @Option(names = "--seed", description = "workload seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the temporary databases go; deleted afterwards")
    Path dir;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (orders < 1 || blockTxs < 1 || archiveAfter < 1) {
            spec.commandLine().getErr().println("dexnode bench archive: --orders, --block-txs and --archive-after must be positive");
            return 2;
        }
        ArchiveCompressionBench.Report report = ArchiveCompressionBench.run(
                new ArchiveCompressionBench.Settings(orders, blockTxs, archiveAfter, seed), dir, System.out);
        if (json != null) {
            JsonReport.write(json, report.toJson(), System.out);
        }
        return 0;
    }
}
