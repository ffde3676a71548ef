package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "jmt", mixinStandardHelpOptions = true,
        description = "Jellyfish Merkle Tree tools for interop checks: roots and ICS23 proofs from a file of ops.",
        subcommands = {JmtCommand.Root.class, JmtCommand.Prove.class})
public final class JmtCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "root", mixinStandardHelpOptions = true,
            description = "Apply each line of OPS.jsonl as one batch; print 'version root_hex' per line.")
    static final class Root extends NotBuiltYet {
        Root() {
            super("jmt root", 2);
        }
    }

    @Command(name = "prove", mixinStandardHelpOptions = true,
            description = "Print the ICS23 CommitmentProof (JSON) of a raw key at a version of OPS.jsonl.")
    static final class Prove extends NotBuiltYet {
        Prove() {
            super("jmt prove", 2);
        }
    }
}
