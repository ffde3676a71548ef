package io.dexnode.cli;

import io.dexnode.state.StateVerifier;
import java.io.PrintStream;
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
 * {@code dexnode state verify --data DIR}: every SST block's checksum, the persisted tree node by
 * node, the change logs re-applied to every stored root, the latest values hashed to the latest
 * root. Read-only. Exit 0 when nothing is wrong, 1 listing what is wrong and where.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a state directory end to end (read-only): RocksDB's block checksums of every file,",
            "the persisted tree node by node, every later change log against its stored root, and the latest",
            "values against the latest root. Exit 0 if all is well, 1 listing each problem and where it is."})
public final class StateVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(data)) {
            err.println("dexnode state verify: no data directory at " + data);
            return 1;
        }
        PrintStream log = new PrintStream(new WriterOutputStream(out), true, StandardCharsets.UTF_8);
        StateVerifier.Report report = StateVerifier.verify(data, log);
        log.flush();
        if (report.ok()) {
            out.printf("state verified: version %d, %,d keys, tree persisted at %d (%,d nodes), %,d later versions re-applied%n",
                    report.latestVersion(), report.latestKeys(), report.persistedTree(), report.nodesChecked(),
                    report.versionsReplayed());
            out.flush();
            return 0;
        }
        err.printf("dexnode state verify: %d problem(s) in %s%n", report.problems().size(), data);
        for (StateVerifier.Problem p : report.problems()) {
            err.println("  " + p);
        }
        err.flush();
        return 1;
    }

    /** Bytes to a writer (UTF-8), so that the verifier's narration goes to picocli's stream. */
    static final class WriterOutputStream extends java.io.OutputStream {
        private final PrintWriter w;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            w.print(line.toString(StandardCharsets.UTF_8));
            w.flush();
            line.reset();
        }
    }
}
