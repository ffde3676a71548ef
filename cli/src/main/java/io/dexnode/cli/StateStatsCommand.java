package io.dexnode.cli;

import io.dexnode.engine.history.StateStats;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode state stats --data DIR [--json]}: what a stopped node's data directory holds — the keys in the tree
 * by type with their bytes, the archive and the history beside it, and (as text) the RocksDB files
 * of the tree's latest values and of the records beside it (after compression). The JSON form is
 * one fixed shape for scripts: {@link StateStats#toJson}.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Live keys and bytes by key type, the archive's orders and bytes, the history's trades and bytes.")
public final class StateStatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(data)) {
            err.println("dexnode state stats: no data directory at " + data);
            return 1;
        }
        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            StateStats stats = StateStats.of(store);
            if (json) {
                out.println(stats.toJson());
            } else {
                out.print(stats.toText());
                out.printf("on disk: latest values %,d bytes, records beside the state (blocks, archive, history) %,d bytes%n",
                        sstBytes(store, "latest"), sstBytes(store, "blocks"));
                // What else the data directory holds, for sizing its disk: the value history's universal
                // compaction may want free space of about its own size while it merges (docs/API.md).
                out.printf("on disk: value history (every retained version's values) %,d bytes,"
                                + " persisted tree nodes %,d bytes, change logs %,d bytes%n",
                        sstBytes(store, "versions"), sstBytes(store, "nodes"), sstBytes(store, "changes"));
            }
            out.flush();
            return 0;
        }
    }

    private static long sstBytes(StateManager store, String family) {
        String v = store.rocksProperty(family, "rocksdb.total-sst-files-size");
        return v == null ? -1 : Long.parseLong(v.trim());
    }
}
