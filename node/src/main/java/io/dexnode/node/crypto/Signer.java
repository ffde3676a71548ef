package io.dexnode.node.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
    private final byte[] seed;
    private final String account;

    /** The signer of a private key's 32-byte seed. */
    public Signer(byte[] seed) {
        this.seed = seed.clone();
        this.publicKey = Ed25519.publicKeyOf(this.seed);
        this.account = HEX.formatHex(publicKey);
    }

    public static Signer generate() {
        return new Signer(Ed25519.newSeed());
    }

    /** Reads a key file written by {@link #toKeyFileJson()}. */
    public static Signer read(Path file) throws IOException {
        JsonNode n = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (n == null || !n.path("publicKey").isTextual() || !n.path("privateKey").isTextual()) {
            throw new IOException(file + " is not a key file (need \"publicKey\" and \"privateKey\" hex strings)");
        }
        try {
            byte[] pub = HEX.parseHex(n.get("publicKey").asText());
            Signer s = new Signer(Ed25519.seedOfPkcs8(HEX.parseHex(n.get("privateKey").asText())));
            if (!Arrays.equals(pub, s.publicKey)) {
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
        n.put("privateKey", HEX.formatHex(Ed25519.pkcs8Of(seed)));
        return n.toPrettyString();
    }

    /** The account name: lowercase hex of the raw public key. */
    public String account() {
        return account;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(seed, publicKey, message);
    }

    public String signHex(String payload) {
        return HEX.formatHex(sign(payload.getBytes(StandardCharsets.UTF_8)));
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
