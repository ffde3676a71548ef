package io.dexnode.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.JmtException;
import io.dexnode.jmt.TreeUpdateResult;
import io.dexnode.jmt.ValueUpdate;
import io.dexnode.jmt.ics23.Ics23Json;
import io.dexnode.jmt.ics23.Ics23Prover;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Tree tools for interop checks against other JMT implementations: the root after each batch of
 * a file of operations, and the ICS23 proof of a key at a version. Both replay the file into an
 * in-memory tree; nothing is written to disk.
 */
@Command(name = "jmt", mixinStandardHelpOptions = true,
        description = "Jellyfish Merkle Tree tools for interop checks: roots and ICS23 proofs from a file of ops.",
        subcommands = {JmtCommand.Root.class, JmtCommand.Prove.class})
public final class JmtCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Prints {@code version root_hex} after each line of the ops file. */
    @Command(name = "root", mixinStandardHelpOptions = true,
            description = {"Apply each line of OPS.jsonl as one batch; print 'version root_hex' per line.",
                "A line is {\"version\":v,\"set\":{\"<hex key>\":\"<hex value>\",...},\"delete\":[\"<hex key>\",...]}"
                        + " with raw (unhashed) keys; versions increase, and versions the file skips are empty."})
    static final class Root implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--in", required = true, paramLabel = "OPS.jsonl", description = "The file of operations.")
        Path in;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                // Validate the whole file first: malformed input prints no partial output.
                List<OpsBatch> batches = new ArrayList<>();
                OpsReader.forEach(in, batches::add);
                Replay replay = new Replay();
                for (OpsBatch batch : batches) {
                    TreeUpdateResult r = replay.apply(batch);
                    out.println(Long.toUnsignedString(batch.version()) + " " + r.rootHex());
                }
                out.flush();
                return 0;
            } catch (OpsException e) {
                return fail(spec, e.getMessage());
            }
        }
    }

    /** Prints the ICS23 proof of a key at a version as JSON. */
    // No standard help mixin: its -V/--version would clash with --version (the tree version), and
    // picocli then drops the whole mixin, -h/--help included.
    @Command(name = "prove",
            description = {"Print the ICS23 CommitmentProof (JSON) of a raw key at a version of OPS.jsonl:",
                "{\"root\":\"<hex>\",\"exist\":{...}} or {\"root\":\"<hex>\",\"nonexist\":{...}}."})
    static final class Prove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--in", required = true, paramLabel = "OPS.jsonl", description = "The file of operations.")
        Path in;

        @Option(names = "--version", required = true, paramLabel = "V", description = "A version written by a line of the file.")
        long version;

        @Option(names = "--key", required = true, paramLabel = "HEX", description = "The raw key, in hex.")
        String keyHex;

        @Override
        public Integer call() {
            byte[] key;
            try {
                key = HexFormat.of().parseHex(keyHex);
            } catch (IllegalArgumentException e) {
                return fail(spec, "--key is not hex: " + keyHex);
            }
            if (version < 0) {
                return fail(spec, "--version must be a non-negative integer");
            }
            try {
                List<OpsBatch> batches = new ArrayList<>();
                OpsReader.forEach(in, batches::add);
                Replay replay = new Replay();
                boolean found = false;
                for (OpsBatch batch : batches) {
                    if (batch.version() > version) {
                        break;
                    }
                    replay.apply(batch);
                    found = batch.version() == version;
                }
                if (!found) {
                    return fail(spec, "version " + version + " is not written by any line of " + in);
                }
                var proof = new Ics23Prover(replay.tree, replay.store).prove(key, version);
                PrintWriter out = spec.commandLine().getOut();
                out.println(Ics23Json.render(proof));
                out.flush();
                return 0;
            } catch (OpsException e) {
                return fail(spec, e.getMessage());
            } catch (JmtException e) {
                return fail(spec, "cannot prove key " + keyHex + " at version " + version + ": " + e.getMessage());
            }
        }
    }

    private static int fail(CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("dexnode " + spec.qualifiedName(" ").replaceFirst("^[^ ]+ ", "") + ": " + message);
        err.flush();
        return 1;
    }

    /** Bad input: a message naming the file and line. */
    static final class OpsException extends RuntimeException {
        OpsException(String message) {
            super(message);
        }
    }

    /** One line of the ops file: a version and its raw-key updates. */
    record OpsBatch(long version, List<byte[]> setKeys, List<byte[]> setValues, List<byte[]> deleteKeys) {}

    /** Applies batches in order to an in-memory tree, filling skipped versions with empty ones. */
    static final class Replay {
        final InMemoryTreeStore store = new InMemoryTreeStore();
        final JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        private long nextVersion = 0;

        TreeUpdateResult apply(OpsBatch batch) {
            while (Long.compareUnsigned(nextVersion, batch.version()) < 0) {
                store.write(tree.putValueSet(nextVersion++, List.of()).batch());
            }
            List<ValueUpdate> updates = new ArrayList<>();
            for (int i = 0; i < batch.setKeys().size(); i++) {
                updates.add(ValueUpdate.put(store.putPreimage(batch.setKeys().get(i)), batch.setValues().get(i)));
            }
            for (byte[] k : batch.deleteKeys()) {
                updates.add(ValueUpdate.delete(store.putPreimage(k)));
            }
            TreeUpdateResult r = tree.putValueSet(batch.version(), updates);
            store.write(r.batch());
            nextVersion = batch.version() + 1;
            return r;
        }
    }

    /** Reads and validates the ops file line by line. */
    static final class OpsReader {
        private static final ObjectMapper JSON = new ObjectMapper();

        interface Sink {
            void accept(OpsBatch batch);
        }

        static void forEach(Path file, Sink sink) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int lineNo = 0;
                long previous = -1;
                boolean any = false;
                while ((line = r.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    OpsBatch batch = parse(line, file, lineNo);
                    if (any && batch.version() <= previous) {
                        throw new OpsException(where(file, lineNo) + "version " + batch.version()
                                + " does not follow version " + previous + " (versions must increase)");
                    }
                    any = true;
                    previous = batch.version();
                    sink.accept(batch);
                }
            } catch (NoSuchFileException e) {
                throw new OpsException("no such file: " + file);
            } catch (IOException e) {
                throw new OpsException("cannot read " + file + ": " + e.getMessage());
            }
        }

        private static String where(Path file, int lineNo) {
            return file + " line " + lineNo + ": ";
        }

        static OpsBatch parse(String line, Path file, int lineNo) {
            String at = where(file, lineNo);
            JsonNode op;
            try {
                op = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new OpsException(at + "not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (op == null || !op.isObject()) {
                throw new OpsException(at + "expected a JSON object");
            }
            for (Iterator<String> names = op.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!Set.of("version", "set", "delete").contains(name)) {
                    throw new OpsException(at + "unknown field \"" + name + "\" (expected version, set, delete)");
                }
            }
            JsonNode v = op.get("version");
            if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new OpsException(at + "\"version\" must be a non-negative integer");
            }
            List<byte[]> setKeys = new ArrayList<>();
            List<byte[]> setValues = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            JsonNode set = op.get("set");
            if (set != null && !set.isNull()) {
                if (!set.isObject()) {
                    throw new OpsException(at + "\"set\" must be an object of hex key -> hex value");
                }
                for (Map.Entry<String, JsonNode> e : set.properties()) {
                    if (!e.getValue().isTextual()) {
                        throw new OpsException(at + "the value of key " + e.getKey() + " must be a hex string");
                    }
                    setKeys.add(hex(e.getKey(), at, "key"));
                    setValues.add(hex(e.getValue().asText(), at, "value of key " + e.getKey()));
                    seen.add(e.getKey().toLowerCase());
                }
            }
            List<byte[]> deleteKeys = new ArrayList<>();
            JsonNode delete = op.get("delete");
            if (delete != null && !delete.isNull()) {
                if (!delete.isArray()) {
                    throw new OpsException(at + "\"delete\" must be an array of hex keys");
                }
                for (JsonNode k : delete) {
                    if (!k.isTextual()) {
                        throw new OpsException(at + "\"delete\" must hold hex strings, got " + k);
                    }
                    if (seen.contains(k.asText().toLowerCase())) {
                        throw new OpsException(at + "key " + k.asText() + " is both set and deleted");
                    }
                    deleteKeys.add(hex(k.asText(), at, "key"));
                }
            }
            return new OpsBatch(v.asLong(), setKeys, setValues, deleteKeys);
        }

        private static byte[] hex(String s, String at, String what) {
            try {
                return HexFormat.of().parseHex(s);
            } catch (IllegalArgumentException e) {
                throw new OpsException(at + what + " is not hex: \"" + s + "\"");
            }
        }
    }
}
