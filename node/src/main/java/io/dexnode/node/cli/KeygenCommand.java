package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate an Ed25519 key pair for signing transactions.")
public final class KeygenCommand extends NotBuiltYet {
    public KeygenCommand() {
        super("keygen", 7);
    }
}
