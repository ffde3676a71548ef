package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Verify or rebuild the active-orders index of a data directory (verify|rebuild).")
public final class IndexCommand extends NotBuiltYet {
    public IndexCommand() {
        super("index", 6);
    }
}
