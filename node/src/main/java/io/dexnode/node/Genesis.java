package io.dexnode.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Rejection;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import io.dexnode.node.api.ApiCodes;
import io.dexnode.state.InMemoryStateStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a chain starts from: its id, the optional admin key (hex Ed25519 public key; the only key
 * allowed to create markets and to deposit for anyone), whether every signed transaction must
 * name the chain ({@code requireChainId}, so that one signed for another chain sharing its keys
 * cannot be replayed on this one), the chain's {@code archiveAfterBlocks} (how many blocks a
 * finished order stays in the tree before it moves to the archive; absent: the engine's default,
 * 1,000; 0: never), the oracle keys (the only keys allowed to set a market's index price: a
 * market's own {@code "oracle"}, else the chain-wide one, else the admin), and the markets that
 * block 1 creates.
 *
 * <p>File form: {@code {"chainId":"…","admin":"hex"?,"oracle":"hex"?,"requireChainId":bool?,"archiveAfterBlocks":N?,
 * "markets":[{create_market fields without "type", and "oracle":"hex"?}…]}}.
 * A genesis that loads is one whose block 1 the engine accepts whole: every market is executed
 * as block 1 on a scratch engine while the file is read, before any data directory is opened.
 */
public record Genesis(String chainId, String admin, boolean requireChainId, Integer archiveAfterBlocks,
                      List<Tx.CreateMarket> markets, String oracle, Map<Integer, String> marketOracles) {
    /** Repeated keys are refused, not read as their last value: one file, one reading. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** The sample genesis shipped inside the jar, used when the configured file is missing. */
    public static final String EMBEDDED = "/io/dexnode/node/genesis.json";

    public Genesis {
        markets = List.copyOf(markets);
        marketOracles = Map.copyOf(marketOracles);
    }

    /** Reads {@code file}, or the embedded sample when the file does not exist. */
    public static Genesis load(Path file) throws IOException {
        if (file != null && Files.exists(file)) {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        }
        return embedded();
    }

    public static Genesis embedded() {
        try (InputStream in = Genesis.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("the embedded genesis " + EMBEDDED + " is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "embedded genesis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the genesis JSON; {@code source} names it in error messages. */
    public static Genesis parse(String json, String source) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(source + ": a genesis is a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("chainId", "admin", "oracle", "requireChainId", "archiveAfterBlocks", "markets").contains(f)) {
                throw new IOException(source + ": unknown field \"" + f + "\"");
            }
        }
        if (!root.path("chainId").isTextual() || root.get("chainId").asText().isBlank()) {
            throw new IOException(source + ": needs a \"chainId\" string");
        }
        JsonNode require = root.get("requireChainId");
        if (require != null && !require.isBoolean()) {
            throw new IOException(source + ": \"requireChainId\" must be true or false");
        }
        Integer archiveAfterBlocks = null;
        JsonNode archive = root.get("archiveAfterBlocks");
        if (archive != null) {
            if (!archive.isIntegralNumber() || !archive.canConvertToInt() || archive.intValue() < 0) {
                throw new IOException(source + ": \"archiveAfterBlocks\" must be an integer from 0 (never archive) to "
                        + Integer.MAX_VALUE);
            }
            archiveAfterBlocks = archive.intValue();
        }
        String admin = key(root, "admin", source);
        String oracle = key(root, "oracle", source);
        Map<Integer, String> marketOracles = new TreeMap<>();
        List<Tx.CreateMarket> markets = new ArrayList<>();
        JsonNode list = root.path("markets");
        if (!list.isMissingNode() && !list.isArray()) {
            throw new IOException(source + ": \"markets\" must be an array");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw new IOException(source + ": market " + i + " is not an object");
            }
            String own = key(m, "oracle", source + ": market " + i);
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!TxJson.MARKET_FIELDS.contains(f) && !f.equals("oracle")) {
                    throw new IOException(source + ": market " + i + ": unknown field \"" + f
                            + "\" (a genesis market has only create_market's market fields: "
                            + String.join(", ", TxJson.MARKET_FIELDS) + ")");
                }
            }
            com.fasterxml.jackson.databind.node.ObjectNode tx = MAPPER.createObjectNode();
            tx.put("type", "create_market");
            tx.setAll((com.fasterxml.jackson.databind.node.ObjectNode) m);
            tx.remove("oracle");
            try {
                Tx.CreateMarket market = (Tx.CreateMarket) TxJson.parse(tx);
                markets.add(market);
                if (own != null) {
                    marketOracles.put(market.params().marketId(), own);
                }
            } catch (RejectedException e) {
                throw new IOException(source + ": market " + i + ": " + e.getMessage(), e);
            }
        }
        Genesis g = new Genesis(root.get("chainId").asText(), admin, require != null && require.booleanValue(),
                archiveAfterBlocks, markets, oracle, marketOracles);
        checkAsBlockOne(g, source);
        return g;
    }

    /** An optional public key field: null when absent, else 32 bytes of lowercase hex. */
    private static String key(JsonNode node, String field, String source) throws IOException {
        if (!node.hasNonNull(field)) {
            return null;
        }
        String key = node.get(field).asText().toLowerCase(Locale.ROOT);
        if (!node.get(field).isTextual() || !key.matches("[0-9a-f]{64}")) {
            throw new IOException(source + ": \"" + field + "\" must be a 32-byte Ed25519 public key in hex");
        }
        return key;
    }

    /**
     * Executes block 1 on a throwaway in-memory engine: a market the engine would reject (a range
     * the JSON does not check, a repeated id) must stop the node before its store is opened, not
     * after a block 1 without that market is committed.
     */
    private static void checkAsBlockOne(Genesis g, String source) throws IOException {
        List<Tx> txs = g.genesisTxs();
        int first = txs.size() - g.markets.size();
        try (InMemoryStateStore scratch = new InMemoryStateStore()) {
            BlockResult block = new Engine(scratch).executeBlock(1, 0, txs);
            for (int i = 0; i < txs.size(); i++) {
                Rejection r = block.results().get(i).rejection();
                if (r != null && i < first) {
                    throw new IOException(source + ": archiveAfterBlocks would be rejected: " + ApiCodes.name(r.code()) + ": " + r.message());
                }
                if (r != null) {
                    Tx.CreateMarket m = g.markets.get(i - first);
                    throw new IOException(source + ": market " + (i - first) + " (" + m.params().symbol() + ", id "
                            + Integer.toUnsignedString(m.params().marketId()) + ") would be rejected: "
                            + ApiCodes.name(r.code()) + ": " + r.message());
                }
            }
        }
    }

    /** The transactions of block 1 on an empty data directory: the chain parameters if set, then the markets. */
    public List<Tx> genesisTxs() {
        List<Tx> txs = new java.util.ArrayList<>(markets.size() + 1);
        if (archiveAfterBlocks != null) {
            txs.add(new Tx.ChainParams(null, 0, archiveAfterBlocks));
        }
        txs.addAll(markets);
        return List.copyOf(txs);
    }
}
