package io.dexnode.cli;

import io.dexnode.engine.Depth;
import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryRefusedException;
import io.dexnode.node.api.JsonViews;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Rebuilds the books from a data directory's state, as the node does on start, and prints one
 * market's depth. Read-only: a state that needs repair is reported (exit 1), not repaired.
 */
@Command(name = "book", mixinStandardHelpOptions = true,
        description = "Recover a market's order book from a data directory and print its depth as JSON.")
public final class BookCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--market", required = true, paramLabel = "M", description = "The market id.")
    int market;

    @Option(names = "--levels", defaultValue = "10", paramLabel = "N", description = "Levels per side (default: ${DEFAULT-VALUE}).")
    int levels;

    @Override
    public Integer call() {
        String noState = StateDirectories.noState(data);
        if (noState != null) {
            spec.commandLine().getErr().println("dexnode book: " + noState);
            return 1;
        }
        if (levels <= 0) {
            spec.commandLine().getErr().println("dexnode book: --levels must be positive");
            return 2;
        }
        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            Engine engine = new Engine(store);
            try {
                // Read-only: an inconsistent state is reported, never repaired from here.
                engine.recover(RecoveryOptions.fromState().withStrict(true));
            } catch (RecoveryRefusedException e) {
                spec.commandLine().getErr().println("dexnode book: the state in " + data + " needs repair ("
                        + e.report().describeInconsistencies() + "); run `dexnode index rebuild --data " + data
                        + "` or start the node, which repairs it");
                return 1;
            }
            Depth depth = engine.depth(market, levels);
            if (depth == null) {
                spec.commandLine().getErr().println("dexnode book: market " + market + " does not exist in " + data);
                return 1;
            }
            spec.commandLine().getOut().println(JsonViews.depth(depth));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
