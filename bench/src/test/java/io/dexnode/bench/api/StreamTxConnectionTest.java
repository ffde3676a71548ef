package io.dexnode.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The load generator's own WebSocket framing (RFC 6455): the upgrade's accept value is the RFC's
 * worked example, and a client frame is final, masked with the zero key, and gives its length in
 * the form the size needs (7 bits, 16 bits from 126 bytes, 64 bits from 65,536).
 */
class StreamTxConnectionTest {
    @Test
    void theAcceptValueIsRfc6455sExample() {
        assertThat(StreamTxConnection.acceptOf("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void framesAreFinalMaskedWithTheZeroKeyAndSizedInTheShortestForm() {
        byte[] small = StreamTxConnection.frame(1, "hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(small).containsExactly(0x81, 0x82, 0, 0, 0, 0, 'h', 'i');

        byte[] medium = StreamTxConnection.frame(1, new byte[126]);
        assertThat(medium).hasSize(2 + 2 + 4 + 126);
        assertThat(medium[1] & 0xFF).isEqualTo(0x80 | 126);
        assertThat((medium[2] & 0xFF) << 8 | (medium[3] & 0xFF)).isEqualTo(126);

        byte[] large = StreamTxConnection.frame(1, new byte[65_536]);
        assertThat(large).hasSize(2 + 8 + 4 + 65_536);
        assertThat(large[1] & 0xFF).isEqualTo(0x80 | 127);
        long length = 0;
        for (int i = 2; i < 10; i++) {
            length = length << 8 | (large[i] & 0xFF);
        }
        assertThat(length).isEqualTo(65_536);
    }

    @Test
    void aTransactionFrameCarriesTheStreamsTxMessage() {
        byte[] f = StreamTxConnection.frame("3-7", "{\"payload\":\"{}\",\"pubkey\":\"ab\",\"signature\":\"cd\"}");
        int header = (f[1] & 0x7F) < 126 ? 6 : 8;
        String text = new String(f, header, f.length - header, StandardCharsets.UTF_8);
        assertThat(f[0] & 0xFF).isEqualTo(0x81);
        assertThat(text).isEqualTo("{\"op\":\"tx\",\"id\":\"3-7\",\"tx\":{\"payload\":\"{}\",\"pubkey\":\"ab\",\"signature\":\"cd\"}}");
    }

    @Test
    void anAnswersIdAndStatusAreReadFromItsLeadingFieldsAndOtherMessagesHaveNoId() {
        String accepted = "{\"op\":\"tx_result\",\"id\":\"3-7\",\"status\":200,\"result\":{\"status\":\"resting\"}}";
        String refused = "{\"op\":\"tx_result\",\"id\":\"0-12\",\"status\":422,\"code\":\"stale_nonce\",\"message\":\"…\"}";
        assertThat(StreamTxConnection.answerId(accepted)).isEqualTo("3-7");
        assertThat(StreamTxConnection.answerStatus(accepted)).isEqualTo(200);
        assertThat(StreamTxConnection.answerId(refused)).isEqualTo("0-12");
        assertThat(StreamTxConnection.answerStatus(refused)).isEqualTo(422);
        assertThat(StreamTxConnection.answerId("{\"channel\":\"trades\",\"market\":1}")).isNull();
    }
}
