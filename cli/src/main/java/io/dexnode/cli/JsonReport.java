package io.dexnode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a benchmark's {@code --json FILE} (creating its folder) and says so: one place for every bench command. */
final class JsonReport {
    private JsonReport() {
    }

    static void write(Path json, String content, PrintStream out) throws IOException {
        create(json, content);
        out.println("wrote " + json);
    }

    static void write(Path json, String content, PrintWriter out) throws IOException {
        create(json, content);
        out.println("wrote " + json);
    }

    private static void create(Path json, String content) throws IOException {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(json, content + System.lineSeparator());
    }
}
