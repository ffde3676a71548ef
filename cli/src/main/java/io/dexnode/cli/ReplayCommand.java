package io.dexnode.cli;

import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.BlockJson;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Applies a file of blocks to a data directory, committing each, and prints {@code height root}
 * per block. On a directory that already holds blocks it checks the blocks it skips against the
 * stored ones and resumes after the last committed height, so a replay killed midway can simply be
 * run again.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Apply a file of blocks (one JSON object per line) to a data directory; print 'height root' per block.",
            "A line is {\"height\":h,\"time\":ms,\"txs\":[...]} with transactions in the JSON form of DESIGN.md §8.",
            "On a directory that holds blocks already, resumes after the last committed height."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "BLOCKS.jsonl", description = "The file of blocks.")
    Path in;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--no-fsync", description = "Do not fsync each commit (faster; a machine crash may lose the last blocks).")
    boolean noFsync;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(in)) {
            err.println("dexnode replay: no such file: " + in);
            return 1;
        }
        try (StateManager store = StateManager.open(data, StateConfig.defaults().withFsync(!noFsync));
             BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            String line;
            int lineNo = 0;
            Engine.PendingBlock previous = null;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Block block;
                try {
                    block = BlockJson.parse(line);
                } catch (RejectedException e) {
                    if (previous != null) {
                        print(previous, out);
                    }
                    err.printf("dexnode replay: %s line %d: %s%n", in, lineNo, e.getMessage());
                    return 1;
                }
                if (previous != null && block.height() <= store.latestVersion()) {
                    print(previous, out); // a stored block is compared against durable state
                    previous = null;
                }
                if (block.height() <= store.latestVersion()) {
                    String stored = BlockRecords.body(store, block.height());
                    String mine = BlockRecords.blockJson(block.height(), block.time(), block.txs());
                    if (!mine.equals(stored)) {
                        err.printf("dexnode replay: %s line %d: block %d differs from the block stored in %s%s%n",
                                in, lineNo, block.height(), data, stored == null ? " (none is stored at that height)" : "");
                        return 1;
                    }
                    BlockHeader header = BlockRecords.header(store, block.height());
                    out.println(block.height() + " " + header.rootHex());
                    continue;
                }
                // Pipelined: this block executes while the previous one is written; a block is
                // printed only once it is durable.
                Engine.PendingBlock pending;
                try {
                    pending = engine.executeBlockPipelined(block.height(), block.time(), block.txs());
                } catch (RuntimeException e) {
                    if (previous != null) {
                        try {
                            print(previous, out); // its write is independent of this block's failure
                        } catch (RuntimeException alsoFailed) {
                            e.addSuppressed(alsoFailed);
                        }
                    }
                    throw e;
                }
                if (previous != null) {
                    print(previous, out);
                }
                previous = pending;
            }
            if (previous != null) {
                print(previous, out);
            }
        }
        out.flush();
        return 0;
    }

    private static void print(Engine.PendingBlock block, PrintWriter out) {
        block.awaitDurable();
        out.println(block.result().header().height() + " " + block.result().header().rootHex());
        out.flush();
    }
}
