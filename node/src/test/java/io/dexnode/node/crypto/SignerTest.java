package io.dexnode.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void envelopeSignatureVerifiesOverThePayloadBytesOnly() throws Exception {
        Signer s = Signer.generate();
        JsonNode env = MAPPER.readTree(s.envelope("{\"type\":\"withdraw\"}"));
        byte[] pub = HexFormat.of().parseHex(env.get("pubkey").asText());
        byte[] sig = HexFormat.of().parseHex(env.get("signature").asText());
        assertThat(env.get("pubkey").asText()).isEqualTo(s.account()).matches("[0-9a-f]{64}");
        assertThat(Ed25519.verify(pub, "{\"type\":\"withdraw\"}".getBytes(StandardCharsets.UTF_8), sig)).isTrue();
        assertThat(Ed25519.verify(pub, "{\"type\":\"deposit\"}".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
        assertThat(Ed25519.verify(Signer.generate().publicKey(), "{\"type\":\"withdraw\"}".getBytes(StandardCharsets.UTF_8), sig))
                .isFalse();
    }

    @Test
    void malformedKeysAndSignaturesNeverVerify() {
        byte[] msg = {1, 2, 3};
        assertThat(Ed25519.verify(new byte[32], msg, new byte[64])).isFalse();
        assertThat(Ed25519.verify(new byte[31], msg, new byte[64])).isFalse();
        assertThat(Ed25519.verify(Signer.generate().publicKey(), msg, new byte[63])).isFalse();
    }

    @Test
    void signerOfASeedSignsLikeTheSameSignerAgain() {
        byte[] seed = Ed25519.newSeed();
        assertThat(new Signer(seed).signHex("m")).isEqualTo(new Signer(seed).signHex("m"));
        assertThat(new Signer(seed).account()).isEqualTo(new Signer(seed).account());
    }

    @Test
    void keyFileRoundTripsAndSignsTheSame(@TempDir Path dir) throws Exception {
        Signer s = Signer.generate();
        Path f = dir.resolve("k.json");
        Files.writeString(f, s.toKeyFileJson());
        Signer back = Signer.read(f);
        assertThat(back.account()).isEqualTo(s.account());
        // Ed25519 is deterministic: the same key signs the same message identically.
        assertThat(back.signHex("m")).isEqualTo(s.signHex("m"));
    }

    @Test
    void keyFileWithAMismatchedPairIsRefused(@TempDir Path dir) throws Exception {
        JsonNode a = MAPPER.readTree(Signer.generate().toKeyFileJson());
        JsonNode b = MAPPER.readTree(Signer.generate().toKeyFileJson());
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"publicKey\":\"" + a.get("publicKey").asText() + "\",\"privateKey\":\""
                + b.get("privateKey").asText() + "\"}");
        assertThatThrownBy(() -> Signer.read(f)).hasMessageContaining("does not match");
    }
}
