package io.dexnode.jmt;

import static io.dexnode.jmt.SharedVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every root of every shared vector, computed by the real crate or confirmed by it, reproduces. */
class VectorRootsTest {

    @Test
    void everyScenarioRootReproducesAtEveryVersion() {
        JsonNode doc = SharedVectors.json("jmt-sha256-vectors.json");
        int checked = 0;
        for (JsonNode scenario : doc.get("scenarios")) {
            InMemoryTreeStore store = new InMemoryTreeStore();
            JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
            for (JsonNode version : scenario.get("versions")) {
                long v = version.get("version").asLong();
                List<SharedVectors.VectorUpdate> updates = SharedVectors.updates(version);
                for (SharedVectors.VectorUpdate u : updates) {
                    if (u.key() != null) {
                        assertThat(KeyHash.of(u.key())).isEqualTo(u.keyHash());
                    }
                }
                TreeUpdateResult r = tree.putValueSet(v, SharedVectors.valueUpdates(updates));
                store.write(r.batch());
                String where = scenario.get("name").asText() + " v" + v;
                assertThat(r.rootHex()).as(where).isEqualTo(version.get("root").asText());
                assertThat(hex(tree.rootHash(v))).as(where).isEqualTo(version.get("root").asText());
                assertThat(tree.leafCount(v)).as(where).isEqualTo(version.get("leaf_count").asLong());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(25);
    }

    @Test
    void cratesOwnPublishedVectorsReproduce() {
        JsonNode doc = SharedVectors.json("reference-sha256-vectors.json");
        for (JsonNode vector : doc.get("vectors")) {
            InMemoryTreeStore store = new InMemoryTreeStore();
            List<ValueUpdate> updates = new ArrayList<>();
            for (JsonNode pair : vector.get("data")) {
                updates.add(ValueUpdate.put(KeyHash.of(hex(pair.get("key"))), hex(pair.get("value"))));
            }
            TreeUpdateResult r = new JellyfishMerkleTree(store).putValueSet(0, updates);
            assertThat(r.rootHex()).isEqualTo(vector.get("expected_root").asText());
        }
    }

    @Test
    void opsFileReproducesItsRootsFile() throws IOException {
        List<String> lines = Files.readAllLines(SharedVectors.file("ops-40-versions.jsonl"));
        Map<Long, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SharedVectors.file("ops-40-versions.roots"))) {
            String[] parts = line.trim().split(" ");
            expected.put(Long.parseLong(parts[0]), parts[1]);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        InMemoryTreeStore store = new InMemoryTreeStore();
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        Map<Long, String> actual = new LinkedHashMap<>();
        long expectedVersion = -1;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode op = json.readTree(line);
            long v = op.get("version").asLong();
            // The file may start above 0: versions before its first one are empty.
            while (++expectedVersion < v) {
                store.write(tree.putValueSet(expectedVersion, List.of()).batch());
            }
            List<ValueUpdate> updates = new ArrayList<>();
            op.path("set").properties().forEach(e -> updates.add(ValueUpdate.put(
                    KeyHash.of(HexFormat.of().parseHex(e.getKey())), HexFormat.of().parseHex(e.getValue().asText()))));
            op.path("delete").forEach(k -> updates.add(ValueUpdate.delete(KeyHash.of(hex(k)))));
            TreeUpdateResult r = tree.putValueSet(v, updates);
            store.write(r.batch());
            actual.put(v, r.rootHex());
        }
        assertThat(actual).isEqualTo(expected);
    }
}
