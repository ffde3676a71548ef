package io.dexnode.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import io.dexnode.node.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decides whether a signed request may become a transaction, before it reaches the queue: the
 * envelope is well formed, the signature verifies over the payload's UTF-8 bytes, the payload
 * parses, carries a nonce, and acts for the signer's own account, with two exceptions for the
 * admin key (create markets, deposit for anyone) and one for {@code --dev} (deposit to oneself).
 * Nonce freshness is the engine's check (it sees earlier transactions of the same block).
 * Stateless and thread-safe.
 */
public final class TxAdmission {
    /** A repeated field or anything after the envelope is malformed: the body is one JSON object, read one way. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final HexFormat HEX = HexFormat.of();

    private final String admin;
    private final boolean dev;

    /** @param admin the admin's public key in lowercase hex, or null for none */
    public TxAdmission(String admin, boolean dev) {
        this.admin = admin == null ? null : admin.toLowerCase(Locale.ROOT);
        this.dev = dev;
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
            tx = TxJson.parse(payload);
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
            default -> requireOwnAccount(tx, pubkey);
        }
        return tx;
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
