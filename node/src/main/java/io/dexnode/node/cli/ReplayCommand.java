package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Apply a file of blocks (one JSON object per line) to a data directory; print 'height root' per block.")
public final class ReplayCommand extends NotBuiltYet {
    public ReplayCommand() {
        super("replay", 5);
    }
}
