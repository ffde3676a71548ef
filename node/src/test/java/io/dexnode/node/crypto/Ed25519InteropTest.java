package io.dexnode.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire format did not change with the library: keys and signatures made by the JDK's Ed25519
 * verify here, signatures made here verify with the JDK, and key files the JDK's encoding wrote load.
 */
class Ed25519InteropTest {
    /** DER of SubjectPublicKeyInfo for Ed25519 up to the raw key. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] MESSAGE = "{\"type\":\"place\",\"nonce\":7}".getBytes(StandardCharsets.UTF_8);

    private static byte[] raw(PublicKey key) {
        byte[] spki = key.getEncoded();
        assertThat(Arrays.copyOf(spki, SPKI_PREFIX.length)).isEqualTo(SPKI_PREFIX);
        return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    }

    private static PublicKey jdkPublicKey(byte[] raw) throws Exception {
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    @Test
    void aSignatureByTheJdkVerifiesHere() throws Exception {
        for (int i = 0; i < 20; i++) {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(kp.getPrivate());
            s.update(MESSAGE);
            byte[] sig = s.sign();
            assertThat(Ed25519.verify(raw(kp.getPublic()), MESSAGE, sig)).isTrue();
            sig[i % sig.length] ^= 1;
            assertThat(Ed25519.verify(raw(kp.getPublic()), MESSAGE, sig)).isFalse();
        }
    }

    @Test
    void aSignatureMadeHereVerifiesWithTheJdk() throws Exception {
        for (int i = 0; i < 20; i++) {
            Signer signer = Signer.generate();
            byte[] sig = signer.sign(MESSAGE);
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(jdkPublicKey(signer.publicKey()));
            v.update(MESSAGE);
            assertThat(v.verify(sig)).isTrue();
        }
    }

    @Test
    void theJdksPrivateKeyEncodingIsTheKeyFilesAndSignsTheSame() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] seed = Ed25519.seedOfPkcs8(kp.getPrivate().getEncoded());
        assertThat(Ed25519.pkcs8Of(seed)).isEqualTo(kp.getPrivate().getEncoded());
        assertThat(Ed25519.publicKeyOf(seed)).isEqualTo(raw(kp.getPublic()));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        s.update(MESSAGE);
        // Ed25519 is deterministic: the same key signs the same message identically in both libraries.
        assertThat(new Signer(seed).sign(MESSAGE)).isEqualTo(s.sign());
    }

    @Test
    void aKeyFileWrittenFromAJdkKeyLoads(@TempDir Path dir) throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        HexFormat hex = HexFormat.of();
        Path file = dir.resolve("jdk.json");
        Files.writeString(file, "{\"publicKey\":\"" + hex.formatHex(raw(kp.getPublic())) + "\",\"privateKey\":\""
                + hex.formatHex(kp.getPrivate().getEncoded()) + "\"}");
        Signer signer = Signer.read(file);
        assertThat(signer.account()).isEqualTo(hex.formatHex(raw(kp.getPublic())));
        assertThat(Ed25519.verify(signer.publicKey(), MESSAGE, signer.sign(MESSAGE))).isTrue();
    }
}
