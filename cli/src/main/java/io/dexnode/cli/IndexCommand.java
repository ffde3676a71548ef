package io.dexnode.cli;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryRefusedException;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The periodic index tool of the original design, for a stopped node's data directory:
 * {@code verify} compares the ActiveOrder index with every order record and changes nothing;
 * {@code rebuild} makes the index agree with the order records in one committed repair block.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Verify or rebuild the active-orders index of a data directory (verify|rebuild).",
            "verify: exit 0 if the index agrees with every order record, 1 (listing the problems) if not.",
            "rebuild: commit one repair block that makes the index agree with the order records."})
public final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "verify|rebuild", description = "What to do.")
    String action;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!action.equals("verify") && !action.equals("rebuild")) {
            err.println("dexnode index: the action is verify or rebuild, not " + action);
            return 2;
        }
        String noState = StateDirectories.noState(data);
        if (noState != null) {
            err.println("dexnode index: " + noState);
            return 1;
        }
        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            Engine engine = new Engine(store);
            RecoveryOptions options = RecoveryOptions.fromState().withScanOrphans(true);
            if (action.equals("verify")) {
                try {
                    RecoveryReport r = engine.recover(options.withStrict(true));
                    out.printf("index consistent: %d active orders in %d markets at height %d%n",
                            r.totalOrders(), r.ordersByMarket().size(), store.latestVersion());
                    out.flush();
                    return 0;
                } catch (RecoveryRefusedException e) {
                    out.println("index inconsistent: " + e.report().describeInconsistencies());
                    out.flush();
                    return 1;
                }
            }
            RecoveryReport r = engine.recover(options);
            if (r.clean()) {
                out.printf("index already consistent: %d active orders; nothing written%n", r.totalOrders());
            } else {
                out.printf("index rebuilt in block %d: %s%n", r.repairHeight(), r.describeInconsistencies());
            }
            out.flush();
            return 0;
        }
    }
}
