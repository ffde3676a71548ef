package io.dexnode.cli;

import io.dexnode.node.crypto.Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a fresh Ed25519 key file; its public key (hex) is the account name on the network. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Generate an Ed25519 key pair for signing transactions.",
            "Prints (or writes to --out) {\"publicKey\":hex,\"privateKey\":hex PKCS#8}; the public key is your account."})
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the key file here (mode 600) instead of printing it.")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing --out file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Signer signer = Signer.generate();
        String json = signer.toKeyFileJson();
        if (out == null) {
            spec.commandLine().getOut().println(json);
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (Files.exists(out) && !force) {
            spec.commandLine().getErr().println("dexnode keygen: " + out + " exists (use --force to overwrite)");
            return 1;
        }
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Created readable by its owner only, then renamed into place: the key is never readable by
        // others, not even for a moment, and --force replaces a file whatever its permissions were.
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, ".keygen-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(dir, ".keygen-", ".tmp"); // not a POSIX file system
        }
        try {
            Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        spec.commandLine().getOut().println("account " + signer.account() + " -> " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
