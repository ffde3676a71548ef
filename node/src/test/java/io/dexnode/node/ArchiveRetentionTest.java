package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.Waits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --archive-retention-blocks}: the archive's records older than the retention go, and
 * nothing else does — not the state (root, resting orders), not the trades and fills, not the
 * engine's judgement of an archived order named again.
 */
@Timeout(120)
class ArchiveRetentionTest {

    @Test
    void retentionDeletesOldArchiveRecordsAndNeverTheState() throws Exception {
        try (TestNode node = TestNode.dev(c -> c.withArchiveRetentionBlocks(3), g -> g.put("archiveAfterBlocks", 1))) {
            Signer alice = node.funded(10_000_000);
            Signer bob = node.funded(10_000_000);
            assertThat(node.place(alice, "buy", 50, 1).ok()).isTrue();
            long finished = node.place(alice, "buy", 60, 1).json().path("orderId").asLong();
            long cancelledAt = node.tx(alice, "cancel", "order", finished).json().path("height").asLong();
            assertThat(node.place(bob, "sell", 50, 1).json().path("fills")).hasSize(1); // fills the resting bid
            long tradesBefore = node.get("/v1/markets/1/trades").path("trades").size();
            node.tx(bob, "deposit", "amount", 1);
            assertThat(node.get("/v1/orders/" + finished).path("archived").asBoolean()).isTrue();
            assertThat(node.get("/v1/archive/" + (cancelledAt + 1)).path("orders")).hasSize(1);

            Waits.until(Duration.ofSeconds(60), "the archive record of order " + finished + " to be deleted", () -> {
                node.tx(bob, "deposit", "amount", 1); // a block, so that the check runs and the deletion is written
                return node.getResponse("/v1/orders/" + finished).status() == 404;
            });
            JsonNode archive = node.get("/v1/archive/" + (cancelledAt + 1));
            assertThat(archive.path("orders")).as("the records are gone from this node").isEmpty();
            assertThat(archive.path("proof").path("exists").asBoolean()).as("the root still commits to them").isTrue();
            assertThat(node.get("/v1/accounts/" + alice.account() + "/orders").path("orders")).extracting(o -> o.path("orderId").asLong())
                    .doesNotContain(finished);
            assertThat(node.tx(alice, "cancel", "order", finished).json().path("code").asText()).isEqualTo("order_not_active");
            assertThat(node.get("/v1/markets/1/trades").path("trades").size()).as("trades are kept").isEqualTo(tradesBefore);
            assertThat(node.get("/v1/accounts/" + bob.account() + "/fills").path("fills")).hasSize(1);
            long another = node.place(alice, "buy", 40, 1).json().path("orderId").asLong();
            assertThat(node.get("/v1/orders/" + another).path("status").asText()).isEqualTo("active");
            assertThat(node.get("/health/ready").path("status").asText()).isEqualTo("ready");
        }
    }
}
