package io.dexnode.jmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.testsupport.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the shared JMT test vectors, found by {@link SharedData}: a test skips when they are not
 * present, or fails under CI.
 */
public final class SharedVectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedVectors() {}

    /** {@code <shared>/data/jmt/<name>}; absent, a skipped test (a failed one under CI). */
    public static Path file(String name) {
        return SharedData.jmtVector(name);
    }

    public static JsonNode json(String name) {
        try {
            return JSON.readTree(file(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] hex(JsonNode n) {
        return n == null || n.isNull() ? null : HexFormat.of().parseHex(n.asText());
    }

    public static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The updates of one vector version: raw key (null in scenario C), key hash, value or null. */
    public record VectorUpdate(byte[] key, KeyHash keyHash, byte[] value) {}

    public static List<VectorUpdate> updates(JsonNode version) {
        List<VectorUpdate> out = new ArrayList<>();
        for (JsonNode u : version.get("updates")) {
            out.add(new VectorUpdate(hex(u.get("key")), KeyHash.fromHex(u.get("key_hash").asText()), hex(u.get("value"))));
        }
        return out;
    }

    public static List<ValueUpdate> valueUpdates(List<VectorUpdate> updates) {
        return updates.stream().map(u -> new ValueUpdate(u.keyHash(), u.value())).toList();
    }
}
