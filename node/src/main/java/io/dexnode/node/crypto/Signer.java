package io.dexnode.node.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.HexFormat;

/**
 * One account's signing key, as kept in a key file ({@code {"publicKey":hex,"privateKey":hex PKCS#8}}),
 * and the envelope it produces for {@code POST /v1/tx}. The account name is the lowercase hex of
 * the raw public key.
 */
public final class Signer {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] publicKey;
    private final PrivateKey privateKey;
    private final String account;

    public Signer(byte[] rawPublicKey, PrivateKey privateKey) {
        this.publicKey = rawPublicKey.clone();
        this.privateKey = privateKey;
        this.account = HEX.formatHex(rawPublicKey);
    }

    public static Signer generate() {
        KeyPair kp = Ed25519.generate();
        return new Signer(Ed25519.rawPublicKey(kp.getPublic()), kp.getPrivate());
    }

    /** Reads a key file written by {@link #toKeyFileJson()}. */
    public static Signer read(Path file) throws IOException {
        JsonNode n = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (n == null || !n.path("publicKey").isTextual() || !n.path("privateKey").isTextual()) {
            throw new IOException(file + " is not a key file (need \"publicKey\" and \"privateKey\" hex strings)");
        }
        try {
            byte[] pub = HEX.parseHex(n.get("publicKey").asText());
            PrivateKey priv = Ed25519.privateKey(HEX.parseHex(n.get("privateKey").asText()));
            Signer s = new Signer(pub, priv);
            byte[] probe = "dexnode key check".getBytes(StandardCharsets.UTF_8);
            if (!Ed25519.verify(pub, probe, Ed25519.sign(priv, probe))) {
                throw new IOException(file + ": the private key does not match the public key");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public String toKeyFileJson() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("publicKey", account);
        n.put("privateKey", HEX.formatHex(privateKey.getEncoded()));
        return n.toPrettyString();
    }

    /** The account name: lowercase hex of the raw public key. */
    public String account() {
        return account;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String signHex(String payload) {
        return HEX.formatHex(Ed25519.sign(privateKey, payload));
    }

    /** The {@code POST /v1/tx} body carrying {@code payload} (a transaction's JSON) signed by this key. */
    public String envelope(String payload) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("payload", payload);
        n.put("pubkey", account);
        n.put("signature", signHex(payload));
        return n.toString();
    }
}
