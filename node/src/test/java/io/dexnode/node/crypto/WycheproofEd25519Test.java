package io.dexnode.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.testsupport.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every case of Project Wycheproof's Ed25519 vectors ({@code ../shared/data/ed25519/}, read in
 * place) gets its expected verdict: malleable S, non-canonical encodings of R and of the key,
 * small-order points, truncated and padded signatures are refused, the valid ones accepted — with
 * the key decoded anew and taken from the decoded-key cache alike, and through a comb table
 * ({@link CombTable}), which accepts every valid case of a key it is built for and nothing else.
 * Skipped where the shared folder is absent; under {@code CI=true} that fails instead.
 */
class WycheproofEd25519Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyWycheproofCaseGetsItsExpectedVerdict() throws Exception {
        Path file = SharedData.ofThisRun().file("data", "ed25519", "wycheproof-ed25519_test.json");
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<String> wrong = new ArrayList<>();
        int cases = 0;
        int throughTables = 0;
        for (JsonNode group : root.get("testGroups")) {
            byte[] pub = HEX.parseHex(group.get("publicKey").get("pk").asText());
            CombTable table = CombTable.ofNegatedKey(pub);
            for (JsonNode t : group.get("tests")) {
                cases++;
                boolean expected = switch (t.get("result").asText()) {
                    case "valid" -> true;
                    case "invalid" -> false;
                    default -> throw new AssertionError("case " + t.get("tcId") + " has result " + t.get("result"));
                };
                byte[] msg = HEX.parseHex(t.get("msg").asText());
                byte[] sig = HEX.parseHex(t.get("sig").asText());
                // Through the decoded-key cache (a group's later cases find its key there) and without it.
                boolean cached = Ed25519.verify(pub, msg, sig);
                boolean uncached = Ed25519.verifyUncached(pub, msg, sig);
                boolean viaTable = table != null && table.accepts(msg, 0, msg.length, sig);
                if (cached != expected || uncached != expected || (table != null && viaTable != expected)) {
                    wrong.add("tcId " + t.get("tcId").asInt() + " " + t.get("flags") + " " + t.get("comment").asText()
                            + ": expected " + expected + ", cached " + cached + ", uncached " + uncached
                            + (table == null ? ", no table" : ", table accepts " + viaTable));
                }
                throughTables += viaTable ? 1 : 0;
            }
        }
        assertThat(cases).as("cases in the file").isEqualTo(root.get("numberOfTests").asInt()).isEqualTo(151);
        assertThat(wrong).as("cases with the wrong verdict").isEmpty();
        assertThat(throughTables).as("valid cases accepted through a table").isPositive();
    }
}
