package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "tx", mixinStandardHelpOptions = true,
        description = "Sign a transaction (place, cancel, deposit, ...) and submit it to a running node.")
public final class TxCommand extends NotBuiltYet {
    public TxCommand() {
        super("tx", 7);
    }
}
