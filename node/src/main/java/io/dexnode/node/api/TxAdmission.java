package io.dexnode.node.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
    private static final String ENVELOPE_SHAPE = "the body is {\"payload\":\"<tx JSON>\",\"pubkey\":\"<hex>\",\"signature\":\"<hex>\"}";

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

    /** Whether anyone may deposit to their own account (a node run with {@code --dev}: the faucet). */
    public boolean dev() {
        return dev;
    }

    public String chainId() {
        return chainId;
    }

    public boolean requireChainId() {
        return requireChainId;
    }

    /** The admitted transaction of a {@code POST /v1/tx} body, or an {@link ApiException}. */
    public AdmittedTx admit(byte[] body) {
        Envelope env = envelope(body);
        String payload = env.payload();
        String pubkey = env.pubkey().toLowerCase(Locale.ROOT);
        byte[] pub = hex(pubkey, Ed25519.PUBLIC_KEY_BYTES, "pubkey");
        byte[] sig = hex(env.signature(), Ed25519.SIGNATURE_BYTES, "signature");
        if (!TxJson.wellFormed(payload)) {
            throw new ApiException(RejectCode.MALFORMED, "the payload holds an unpaired surrogate (a lone \\ud800–\\udfff"
                    + " escape): it has no UTF-8 form, so it cannot be the bytes that were signed");
        }
        byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
        if (!Ed25519.verify(pub, payloadBytes, sig)) {
            throw new ApiException(RejectCode.BAD_SIGNATURE, "the signature does not verify for this pubkey and payload");
        }
        // What executes is what was signed: the verified bytes, read as every replica reads them.
        SignedTx signed = new SignedTx(payloadBytes, pub, sig);
        Tx tx = parseAdmitted(signed);
        AdmittedTx admitted = new AdmittedTx(tx, signed);
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
            case Tx.ChainParams c -> throw new ApiException(RejectCode.NOT_ALLOWED,
                    "chain parameters are set in block 1, by the genesis file's \"archiveAfterBlocks\"");
            case Tx.Deposit d -> {
                if (signedByAdmin) {
                    return admitted;
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
        return admitted;
    }

    /**
     * The transaction a signed envelope carries, as a replica executing a committed block reads it:
     * the same parsing as {@link #admit}, without the checks the leader already made (signature,
     * who may act). Every replica reads the same bytes the same way.
     *
     * @throws ApiException if the payload does not parse (a leader never lets such a payload in)
     */
    public Tx parseAdmitted(SignedTx signed) {
        return parsePayload(new String(signed.payload(), StandardCharsets.UTF_8));
    }

    private Tx parsePayload(String payload) {
        try {
            JsonNode fields = TxJson.readTree(payload);
            checkChain(fields);
            return TxJson.parse(fields);
        } catch (RejectedException e) {
            throw new ApiException(RejectCode.MALFORMED, "payload: " + e.getMessage());
        }
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

    /** The three strings of an envelope, read in one streaming pass (no tree: this runs for every request). */
    private record Envelope(String payload, String pubkey, String signature) {
    }

    /**
     * The envelope {@code {"payload":…,"pubkey":…,"signature":…}}: one JSON object, no field twice
     * and none other, nothing after it (malformed otherwise); a payload that is not a string is
     * malformed, a key or signature that is missing or not a string a bad signature.
     */
    private static Envelope envelope(byte[] body) {
        String payload = null;
        String pubkey = null;
        String signature = null;
        boolean payloadNotText = false;
        boolean keyNotText = false;
        String unknown = null;
        try (JsonParser p = MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                if (p.currentToken() == null) {
                    throw new ApiException(RejectCode.MALFORMED, "the body is not JSON: it is empty");
                }
                p.skipChildren();
                p.nextToken(); // trailing content is refused as not JSON, like the rest of the document
                throw new ApiException(RejectCode.MALFORMED, ENVELOPE_SHAPE);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                if (text == null) {
                    p.skipChildren();
                }
                switch (field) {
                    case "payload" -> {
                        payload = text;
                        payloadNotText = text == null;
                    }
                    case "pubkey" -> {
                        pubkey = text;
                        keyNotText |= text == null;
                    }
                    case "signature" -> {
                        signature = text;
                        keyNotText |= text == null;
                    }
                    default -> unknown = unknown == null ? field : unknown;
                }
            }
            if (p.nextToken() != null) {
                throw new ApiException(RejectCode.MALFORMED, "the body is not JSON: more content after the envelope");
            }
        } catch (JsonProcessingException e) {
            throw new ApiException(RejectCode.MALFORMED, "the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new ApiException(RejectCode.MALFORMED, "the body could not be read: " + e.getMessage());
        }
        if (unknown != null) {
            throw new ApiException(RejectCode.MALFORMED, "unknown envelope field \"" + unknown + "\"");
        }
        if (payload == null || payloadNotText) {
            throw new ApiException(RejectCode.MALFORMED, "\"payload\" must be the transaction's JSON as a string");
        }
        if (pubkey == null || signature == null || keyNotText) {
            throw new ApiException(RejectCode.BAD_SIGNATURE, "a transaction needs \"pubkey\" and \"signature\" (hex)");
        }
        return new Envelope(payload, pubkey, signature);
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
