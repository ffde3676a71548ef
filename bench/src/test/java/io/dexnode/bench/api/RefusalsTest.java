package io.dexnode.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load generator counts every refusal an answer lists, in a batch's results too, and nothing else. */
class RefusalsTest {
    private static final String BATCH = "{\"height\":7,\"type\":\"batch\",\"results\":["
            + "{\"height\":7,\"type\":\"place\",\"orderId\":12,\"status\":\"resting\",\"remaining\":5,\"fills\":[]},"
            + "{\"code\":\"open_order_cap\",\"message\":\"the account has 1000 open orders\",\"status\":422},"
            + "{\"code\":\"unknown_order\",\"message\":\"no order with client id \\\"code\\\":\\\"x\\\"\",\"status\":404},"
            + "{\"code\":\"open_order_cap\",\"message\":\"again\",\"status\":422}]}";

    @Test
    void countsEachRefusedActionOfABatchByCodeButNotTextInsideAMessage() {
        Refusals r = new Refusals();
        byte[] body = ("garbage" + BATCH + "tail").getBytes(StandardCharsets.UTF_8);
        r.scan(body, 7, body.length - 4);
        assertThat(r.counts()).isEqualTo(Map.of("open_order_cap", 2L, "unknown_order", 1L));
    }

    @Test
    void countsTheSameFromAStreamAnswerAndAddsUp() {
        Refusals r = new Refusals();
        streamed(r, "{\"op\":\"tx_result\",\"id\":\"3-1\",\"status\":200," + BATCH.substring(1));
        streamed(r, "{\"op\":\"tx_result\",\"id\":\"3-2\",\"status\":401,\"code\":\"bad_signature\",\"message\":\"…\"}");
        assertThat(r.counts()).isEqualTo(Map.of("open_order_cap", 2L, "unknown_order", 1L, "bad_signature", 1L));
    }

    /** As the stream connection scans a text answer: its UTF-8 bytes. */
    private static void streamed(Refusals r, String answer) {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        r.scan(bytes, 0, bytes.length);
    }

    @Test
    void aCodeCutShortIsNotCounted() {
        Refusals r = new Refusals();
        byte[] body = "{\"code\":\"too_many_orders\"}{\"code\":\"unknown_ord".getBytes(StandardCharsets.UTF_8);
        r.scan(body, 0, body.length);
        assertThat(r.counts()).isEqualTo(Map.of("too_many_orders", 1L));
    }

    @Test
    void anAcceptedAnswerHasNoRefusals() {
        Refusals r = new Refusals();
        byte[] body = "{\"height\":7,\"type\":\"place\",\"orderId\":12,\"status\":\"filled\",\"remaining\":0}".getBytes(StandardCharsets.UTF_8);
        r.scan(body, 0, body.length);
        assertThat(r.counts()).isEmpty();
    }
}
