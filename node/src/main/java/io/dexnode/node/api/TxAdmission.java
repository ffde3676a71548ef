package io.dexnode.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import io.dexnode.node.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a signed request may become a transaction, before it reaches the queue: the
 * envelope is well formed, the signature verifies over the payload's UTF-8 bytes, the payload
 * parses, carries a nonce, and acts for the signer's own account, with two exceptions for the
 * admin key (create markets, deposit for anyone) and one for {@code --dev} (deposit to oneself);
 * an index price must be signed by its market's oracle key (the genesis's, else the admin's).
 * A payload may name its chain ({@code "chainId"}); one that names another chain is refused, and
 * so is one that names none on a chain that requires it. The field is checked here and is not part
 * of the transaction: blocks store transactions without it. Nonce freshness is the engine's check
 * (it sees earlier transactions of the same block). Stateless and thread-safe.
 */
public final class TxAdmission {
    /** A repeated field or anything after the envelope is malformed: the body is one JSON object, read one way. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final HexFormat HEX = HexFormat.of();

    /** The payload field that binds a signature to one chain. */
    public static final String CHAIN_FIELD = "chainId";

    private final String admin;
    private final boolean dev;
    private final String chainId;
    private final boolean requireChainId;
    /** Each market's oracle key (lowercase hex), where the genesis names one for it. */
    private final Map<Integer, String> marketOracles;
    /** The oracle key of every other market: the genesis's chain-wide one, else the admin's; null for none. */
    private final String oracle;

    /**
     * @param admin the admin's public key in lowercase hex, or null for none
     * @param chainId this chain's id (the genesis file's)
     * @param requireChainId refuse a payload that does not name the chain
     */
    public TxAdmission(String admin, boolean dev, String chainId, boolean requireChainId) {
        this(admin, dev, chainId, requireChainId, null, Map.of());
    }

    /**
     * @param oracle        the key that signs index prices for markets without one of their own
     *                      (null: the admin's)
     * @param marketOracles each market's own oracle key, by market id
     */
    public TxAdmission(String admin, boolean dev, String chainId, boolean requireChainId, String oracle,
                       Map<Integer, String> marketOracles) {
        this.admin = admin == null ? null : admin.toLowerCase(Locale.ROOT);
        this.dev = dev;
        this.chainId = Objects.requireNonNull(chainId, "chainId");
        this.requireChainId = requireChainId;
        this.oracle = oracle != null ? oracle.toLowerCase(Locale.ROOT) : this.admin;
        this.marketOracles = Map.copyOf(marketOracles);
    }

    public String chainId() {
        return chainId;
    }

    public boolean requireChainId() {
        return requireChainId;
    }

    /** The admitted transaction of a {@code POST /v1/tx} body, or an {@link ApiException}. */
    public Tx admit(byte[] body) {
        JsonNode env;
        try {
            env = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(RejectCode.MALFORMED, "the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new ApiException(RejectCode.MALFORMED, "the body could not be read: " + e.getMessage());
        }
        if (env == null || !env.isObject()) {
            throw new ApiException(RejectCode.MALFORMED,
                    "the body is {\"payload\":\"<tx JSON>\",\"pubkey\":\"<hex>\",\"signature\":\"<hex>\"}");
        }
        for (Iterator<String> it = env.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("payload") && !f.equals("pubkey") && !f.equals("signature")) {
                throw new ApiException(RejectCode.MALFORMED, "unknown envelope field \"" + f + "\"");
            }
        }
        JsonNode payloadNode = env.get("payload");
        if (payloadNode == null || !payloadNode.isTextual()) {
            throw new ApiException(RejectCode.MALFORMED, "\"payload\" must be the transaction's JSON as a string");
        }
        String payload = payloadNode.asText();
        JsonNode pubNode = env.get("pubkey");
        JsonNode sigNode = env.get("signature");
        if (pubNode == null || sigNode == null || !pubNode.isTextual() || !sigNode.isTextual()) {
            throw new ApiException(RejectCode.BAD_SIGNATURE, "a transaction needs \"pubkey\" and \"signature\" (hex)");
        }
        String pubkey = pubNode.asText().toLowerCase(Locale.ROOT);
        byte[] pub = hex(pubkey, Ed25519.PUBLIC_KEY_BYTES, "pubkey");
        byte[] sig = hex(sigNode.asText(), Ed25519.SIGNATURE_BYTES, "signature");
        if (!Ed25519.verify(pub, payload.getBytes(StandardCharsets.UTF_8), sig)) {
            throw new ApiException(RejectCode.BAD_SIGNATURE, "the signature does not verify for this pubkey and payload");
        }
        Tx tx;
        try {
            JsonNode fields = TxJson.readTree(payload);
            checkChain(fields);
            tx = TxJson.parse(fields);
        } catch (RejectedException e) {
            throw new ApiException(RejectCode.MALFORMED, "payload: " + e.getMessage());
        }
        if (tx.nonce() <= 0) {
            throw new ApiException(RejectCode.MALFORMED, "a signed transaction needs a \"nonce\" above the account's last");
        }
        boolean signedByAdmin = pubkey.equals(admin);
        switch (tx) {
            case Tx.CreateMarket c -> {
                if (!signedByAdmin) {
                    throw new ApiException(RejectCode.NOT_ALLOWED, "only the genesis admin key may create markets");
                }
            }
            case Tx.Deposit d -> {
                if (signedByAdmin) {
                    return tx;
                }
                if (!dev) {
                    throw new ApiException(RejectCode.NOT_ALLOWED, "deposits need the genesis admin key; "
                            + "run the node with --dev for a local faucet, or set \"admin\" in the genesis file");
                }
                requireOwnAccount(d, pubkey);
            }
            case Tx.SetIndexPrice p -> {
                requireOwnAccount(p, pubkey);
                String key = marketOracles.getOrDefault(p.market(), oracle);
                if (!pubkey.equals(key)) {
                    throw new ApiException(RejectCode.NOT_ALLOWED, "only market " + p.market()
                            + "'s oracle key may set its index price (genesis \"oracle\", else \"admin\")");
                }
            }
            default -> requireOwnAccount(tx, pubkey);
        }
        return tx;
    }

    /** Checks the payload's chain, and takes the field off: the transaction itself has no such field. */
    private void checkChain(JsonNode fields) {
        if (fields == null || !fields.isObject()) {
            return; // TxJson refuses it with its own message
        }
        JsonNode named = ((ObjectNode) fields).remove(CHAIN_FIELD);
        if (named == null) {
            if (requireChainId) {
                throw new ApiException(RejectCode.WRONG_CHAIN, "this chain requires \"" + CHAIN_FIELD + "\":\""
                        + chainId + "\" in every signed payload (GET /v1/chain), so that a transaction signed for "
                        + "another chain cannot be replayed here");
            }
            return;
        }
        if (!named.isTextual()) {
            throw new ApiException(RejectCode.MALFORMED, "payload: \"" + CHAIN_FIELD + "\" must be a string");
        }
        if (!named.asText().equals(chainId)) {
            throw new ApiException(RejectCode.WRONG_CHAIN, "the payload was signed for chain \"" + named.asText()
                    + "\", and this is chain \"" + chainId + "\"");
        }
    }

    private static void requireOwnAccount(Tx tx, String pubkey) {
        if (!pubkey.equals(tx.account())) {
            throw new ApiException(RejectCode.NOT_ALLOWED, "the payload's \"account\" must be the signer's public key "
                    + pubkey + ", not \"" + tx.account() + "\"");
        }
    }

    private static byte[] hex(String s, int bytes, String field) {
        if (s.length() != bytes * 2) {
            throw new ApiException(RejectCode.BAD_SIGNATURE, "\"" + field + "\" must be " + bytes + " bytes of hex");
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new ApiException(RejectCode.BAD_SIGNATURE, "\"" + field + "\" is not hex");
        }
    }
}
