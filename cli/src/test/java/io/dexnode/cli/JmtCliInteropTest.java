package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.jmt.ics23.Ics23Verifier;
import io.dexnode.jmt.ics23.NonExistenceProof;
import io.dexnode.jmt.ics23.ProofSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dexnode jmt} against the reference crate's vectors: the raw-key scenarios of
 * {@code jmt-sha256-vectors.json}, written as ops files, give the crate's root at every version,
 * and {@code jmt prove} prints, for every proof the crate emitted, a proof whose protobuf form is
 * the crate's byte for byte and whose verdict is the Rust verifier's; the empty tree is a clear
 * error, as in the crate. Also: the commands' own help.
 */
class JmtCliInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One ops line per vector version: the last update of a key wins, null is a delete. */
    private Path opsFile(JsonNode scenario) throws IOException {
        List<String> lines = new ArrayList<>();
        for (JsonNode version : scenario.get("versions")) {
            Map<String, JsonNode> last = new LinkedHashMap<>();
            for (JsonNode u : version.get("updates")) {
                last.remove(u.get("key").asText());
                last.put(u.get("key").asText(), u.get("value"));
            }
            ObjectNode op = JSON.createObjectNode();
            op.put("version", version.get("version").asLong());
            ObjectNode set = op.putObject("set");
            ArrayNode delete = op.putArray("delete");
            last.forEach((k, v) -> {
                if (v.isNull()) {
                    delete.add(k);
                } else {
                    set.put(k, v.asText());
                }
            });
            lines.add(JSON.writeValueAsString(op));
        }
        Path p = dir.resolve(scenario.get("name").asText() + ".jsonl");
        Files.write(p, lines);
        return p;
    }

    @Test
    void rootsAndProofsOfTheCratesRawKeyScenariosReproduceByteForByte() throws IOException {
        JsonNode doc = JSON.readTree(JmtCliTest.shared("jmt-sha256-vectors.json").toFile());
        int scenarios = 0;
        int proofs = 0;
        int emptyTree = 0;
        for (JsonNode scenario : doc.get("scenarios")) {
            if (scenario.get("versions").get(0).get("updates").get(0).get("key").isNull()) {
                continue; // scenario C gives key hashes without keys: not expressible as raw-key ops
            }
            Path ops = opsFile(scenario);
            JmtCliTest.Run roots = JmtCliTest.run("jmt", "root", "--in", ops.toString());
            assertThat(roots.exit()).as(roots.err()).isZero();
            List<String> expected = new ArrayList<>();
            for (JsonNode v : scenario.get("versions")) {
                expected.add(v.get("version").asLong() + " " + v.get("root").asText());
            }
            assertThat(roots.out().lines().toList()).as(scenario.get("name").asText()).isEqualTo(expected);
            scenarios++;

            for (JsonNode p : scenario.get("proofs")) {
                String version = p.get("version").asText();
                String key = p.get("key").asText();
                String where = scenario.get("name").asText() + " v" + version + " key " + key;
                JmtCliTest.Run r = JmtCliTest.run("jmt", "prove", "--in", ops.toString(), "--version", version, "--key", key);
                if (p.hasNonNull("ics23_error")) {
                    assertThat(r.exit()).as(where).isEqualTo(1);
                    assertThat(r.err()).as(where).contains("empty tree");
                    emptyTree++;
                    continue;
                }
                if (!p.hasNonNull("ics23_commitment_proof_protobuf")) {
                    continue;
                }
                assertThat(r.exit()).as(where + ": " + r.err()).isZero();
                JsonNode out = JSON.readTree(r.out());
                assertThat(out.get("root").asText()).as(where).isEqualTo(p.get("root").asText());
                CommitmentProof proof = out.has("exist")
                        ? new CommitmentProof.Exist(JmtCliTest.existence(out.get("exist")))
                        : new CommitmentProof.Nonexist(nonExistence(out.get("nonexist")));
                assertThat(HexFormat.of().formatHex(Ics23Protobuf.encode(proof))).as(where)
                        .isEqualTo(p.get("ics23_commitment_proof_protobuf").asText());
                byte[] root = HexFormat.of().parseHex(out.get("root").asText());
                byte[] rawKey = HexFormat.of().parseHex(key);
                boolean verdict = out.has("exist")
                        ? Ics23Verifier.verifyMembership(proof, ProofSpec.JMT, root, rawKey, HexFormat.of().parseHex(p.get("value").asText()))
                        : Ics23Verifier.verifyNonMembership(proof, ProofSpec.JMT, root, rawKey);
                assertThat(verdict).as(where).isEqualTo(p.get("rust_ics23_verify_ok").asBoolean());
                proofs++;
            }
        }
        assertThat(scenarios).isEqualTo(2);
        assertThat(proofs).isEqualTo(76);
        assertThat(emptyTree).isEqualTo(8);
    }

    private static NonExistenceProof nonExistence(JsonNode n) {
        return new NonExistenceProof(HexFormat.of().parseHex(n.get("key").asText()),
                n.has("left") ? JmtCliTest.existence(n.get("left")) : null,
                n.has("right") ? JmtCliTest.existence(n.get("right")) : null);
    }

    @Test
    void everyJmtCommandPrintsItsHelp() {
        for (String[] args : List.of(new String[] {"jmt", "--help"}, new String[] {"jmt", "root", "--help"},
                new String[] {"jmt", "prove", "--help"}, new String[] {"jmt", "prove", "-h"})) {
            JmtCliTest.Run r = JmtCliTest.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: dexnode jmt");
        }
        JmtCliTest.Run prove = JmtCliTest.run("jmt", "prove", "--help");
        assertThat(prove.out()).contains("--in", "--version", "--key");
    }

    /** Enum names as the JSON prints them, mapped to the proto numbers the hand-built vectors use. */
    private static JsonNode withEnumNumbers(JsonNode exist) {
        ObjectNode e = exist.deepCopy();
        ObjectNode leaf = (ObjectNode) e.get("leaf");
        for (String f : List.of("hash", "prehashKey", "prehashValue")) {
            leaf.put(f, io.dexnode.jmt.ics23.HashOp.valueOf(leaf.get(f).asText()).number());
        }
        leaf.put("length", io.dexnode.jmt.ics23.LengthOp.valueOf(leaf.get("length").asText()).number());
        for (JsonNode step : e.get("path")) {
            ((ObjectNode) step).put("hash", io.dexnode.jmt.ics23.HashOp.valueOf(step.get("hash").asText()).number());
        }
        return e;
    }

    @Test
    void proveMatchesTheHandBuiltIcs23VectorsFieldForField() throws IOException {
        JsonNode cases = JSON.readTree(JmtCliTest.shared("ics23-handbuilt-existence.json").toFile());
        // The trees of 1, 2 and 3 pairs whose contents the spec gives (§4.1, §5.2).
        List<List<String>> trees = List.of(List.of("hello", "world"), List.of("hello", "world", "goodbye", "world"),
                List.of("alice", "100", "bob", "250", "carol", "7"));
        int matched = 0;
        for (List<String> pairs : trees) {
            ObjectNode op = JSON.createObjectNode();
            op.put("version", 0);
            ObjectNode set = op.putObject("set");
            for (int i = 0; i < pairs.size(); i += 2) {
                set.put(JmtCliTest.hex(pairs.get(i)), JmtCliTest.hex(pairs.get(i + 1)));
            }
            Path ops = dir.resolve("tree" + pairs.size() + ".jsonl");
            Files.write(ops, List.of(JSON.writeValueAsString(op)));
            String root = JmtCliTest.run("jmt", "root", "--in", ops.toString()).out().trim().split(" ")[1];
            for (JsonNode c : cases) {
                if (!c.get("root").asText().equals(root)) {
                    continue;
                }
                JmtCliTest.Run r = JmtCliTest.run("jmt", "prove", "--in", ops.toString(), "--version", "0",
                        "--key", c.get("key").asText());
                assertThat(r.exit()).as(r.err()).isZero();
                JsonNode out = JSON.readTree(r.out());
                assertThat(out.get("root").asText()).isEqualTo(c.get("root").asText());
                assertThat(withEnumNumbers(out.get("exist"))).as(c.get("case").asText() + " " + c.get("key").asText())
                        .isEqualTo(c.get("exist"));
                matched++;
            }
        }
        assertThat(matched).isEqualTo(6);
    }

    @Test
    void proofsOnTheSharedOpsFileVerifyExceptWhereAnEmptyValueIsInvolved() throws IOException {
        Path ops = JmtCliTest.shared("ops-40-versions.jsonl");
        Map<String, String> live = new java.util.TreeMap<>();
        List<String> everKeys = new ArrayList<>();
        for (String line : Files.readAllLines(ops)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode op = JSON.readTree(line);
            op.path("set").properties().forEach(e -> {
                live.put(e.getKey(), e.getValue().asText());
                everKeys.add(e.getKey());
            });
            op.path("delete").forEach(k -> live.remove(k.asText()));
        }
        List<String> probes = new ArrayList<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(40);
        for (int i = 0; i < 8; i++) {
            probes.add(everKeys.get(rnd.nextInt(everKeys.size())));
        }
        probes.add(live.entrySet().stream().filter(e -> e.getValue().isEmpty()).findFirst().orElseThrow().getKey());
        everKeys.stream().filter(k -> !live.containsKey(k)).limit(2).forEach(probes::add);
        probes.add("00");
        int verified = 0;
        for (String key : probes) {
            JmtCliTest.Run r = JmtCliTest.run("jmt", "prove", "--in", ops.toString(), "--version", "40", "--key", key);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode out = JSON.readTree(r.out());
            byte[] root = HexFormat.of().parseHex(out.get("root").asText());
            byte[] rawKey = HexFormat.of().parseHex(key);
            boolean emptyValueInvolved;
            boolean ok;
            if (out.has("exist")) {
                assertThat(live).containsKey(key);
                assertThat(out.get("exist").get("value").asText()).isEqualTo(live.get(key));
                emptyValueInvolved = live.get(key).isEmpty();
                ok = Ics23Verifier.verifyMembership(new CommitmentProof.Exist(JmtCliTest.existence(out.get("exist"))),
                        ProofSpec.JMT, root, rawKey, HexFormat.of().parseHex(live.get(key)));
            } else {
                assertThat(live).doesNotContainKey(key);
                JsonNode n = out.get("nonexist");
                emptyValueInvolved = (n.has("left") && n.get("left").get("value").asText().isEmpty())
                        || (n.has("right") && n.get("right").get("value").asText().isEmpty());
                ok = Ics23Verifier.verifyNonMembership(new CommitmentProof.Nonexist(nonExistence(n)), ProofSpec.JMT, root, rawKey);
            }
            // ICS23 refuses empty values (spec §3.6.4); every other proof verifies.
            assertThat(ok).as("key " + key).isEqualTo(!emptyValueInvolved);
            verified += ok ? 1 : 0;
        }
        assertThat(verified).isGreaterThan(8);
    }

    /** Spec §1.6 literally: H(S, d) over sorted (SHA-256(key), SHA-256(value)) pairs. */
    private static byte[] naiveRoot(java.util.TreeMap<String, byte[]> byKeyHashHex, List<String> keyHashes, int d) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        if (keyHashes.isEmpty()) {
            return "SPARSE_MERKLE_PLACEHOLDER_HASH__".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (keyHashes.size() == 1) {
            sha.update("JMT::LeafNode".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(HexFormat.of().parseHex(keyHashes.get(0)));
            sha.update(java.security.MessageDigest.getInstance("SHA-256").digest(byKeyHashHex.get(keyHashes.get(0))));
            return sha.digest();
        }
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (String k : keyHashes) {
            int b = (HexFormat.fromHexDigit(k.charAt(d / 4)) >> (3 - d % 4)) & 1;
            (b == 0 ? left : right).add(k);
        }
        byte[] l = naiveRoot(byKeyHashHex, left, d + 1);
        byte[] r = naiveRoot(byKeyHashHex, right, d + 1);
        sha.update("JMT::IntrnalNode".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sha.update(l);
        sha.update(r);
        return sha.digest();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void rootOfRandomOpsFilesMatchesANaiveModel(long seed) throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] k = new byte[1 + rnd.nextInt(6)];
            rnd.nextBytes(k);
            keys.add(k);
        }
        java.util.TreeMap<String, byte[]> live = new java.util.TreeMap<>();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        List<String> lines = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        long version = rnd.nextInt(3);
        for (int line = 0; line < 25; line++) {
            ObjectNode op = JSON.createObjectNode();
            op.put("version", version);
            ObjectNode set = op.putObject("set");
            ArrayNode delete = op.putArray("delete");
            java.util.Set<String> touched = new java.util.HashSet<>();
            int n = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(15);
            for (int i = 0; i < n; i++) {
                byte[] k = keys.get(rnd.nextInt(keys.size()));
                String hex = HexFormat.of().formatHex(k);
                if (!touched.add(hex)) {
                    continue; // a key once per line: the format has no order between set and delete
                }
                String written = rnd.nextBoolean() ? hex.toUpperCase() : hex; // hex digits in either case
                String kh = HexFormat.of().formatHex(sha.digest(k));
                if (rnd.nextInt(3) == 0) {
                    delete.add(written); // often absent
                    live.remove(kh);
                } else {
                    byte[] v = new byte[1 + rnd.nextInt(5)];
                    rnd.nextBytes(v);
                    set.put(written, HexFormat.of().formatHex(v));
                    live.put(kh, v);
                }
            }
            lines.add(JSON.writeValueAsString(op));
            expected.add(version + " " + HexFormat.of().formatHex(naiveRoot(live, new ArrayList<>(live.keySet()), 0)));
            version += 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0); // sometimes skip versions
        }
        Path ops = dir.resolve("random-" + seed + ".jsonl");
        Files.write(ops, lines);
        JmtCliTest.Run r = JmtCliTest.run("jmt", "root", "--in", ops.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).isEqualTo(expected);
    }
}
