package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a node: embedded RocksDB in ./data, HTTP + WebSocket API on 127.0.0.1:8080.")
public final class RunCommand extends NotBuiltYet {
    public RunCommand() {
        super("run", 7);
    }
}
