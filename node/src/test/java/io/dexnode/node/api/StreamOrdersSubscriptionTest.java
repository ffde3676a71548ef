package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.book.Side;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.BlockEvents;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketView;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an {@code orders} subscription may name, and what waiting subscriptions cost the stream's one
 * thread: a name no account can have (every account is named 1 to 64 of [A-Za-z0-9_.-], a public key's
 * hex included) is refused as malformed — it was kept, up to 4 KiB each; and subscriptions to accounts
 * that do not exist yet cost state reads per block only for the block's updated accounts — each was
 * looked up after every block with an order update, 256 reads a block for one connection.
 */
@Timeout(120)
class StreamOrdersSubscriptionTest {
    private static final MarketParams MARKET = new MarketParams(1, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500);

    private static MarketData marketData(long height) {
        TreeMap<Integer, MarketView> markets = new TreeMap<>();
        markets.put(1, new MarketView(MARKET, height, new long[0][], new long[0][], 0));
        return new MarketData(height, markets);
    }

    @Test
    void impossibleNamesAreRefusedAndWaitingSubscriptionsCostReadsOnlyForUpdatedAccounts() throws Exception {
        StateStore memory = new InMemoryStateStore();
        AtomicLong reads = new AtomicLong();
        StateStore store = (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getDurable") || method.getName().equals("multiGet")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        NodeMetrics metrics = new NodeMetrics(() -> 0, List::of, () -> 0);
        StreamHub hub = new StreamHub(marketData(1), new StateQueries(store), 4, metrics);
        try (HubServer server = new HubServer(hub); StreamClient c = new StreamClient(server.url())) {
            for (String impossible : new String[] {"<img src=x>", "a b", "x".repeat(65), "é", "name\""}) {
                c.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":" + JsonViews.MAPPER.writeValueAsString(impossible) + "}");
                JsonNode e = c.next();
                assertThat(e.path("op").asText()).as(impossible).isEqualTo("error");
                assertThat(e.path("code").asText()).isEqualTo("malformed");
            }
            for (int i = 0; i < StreamHub.MAX_SUBSCRIPTIONS; i++) {
                c.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"not-yet-" + i + "\"}");
                assertThat(c.next().path("op").asText()).isEqualTo("subscribed");
            }
            long before = reads.get();
            int blocks = 20;
            for (int h = 2; h < 2 + blocks; h++) {
                OrderUpdate u = new OrderUpdate(1, h, 99, Side.BUY, 100, OrderStatus.ACTIVE, 1, 0, null);
                hub.publish(new BlockEvents(h, h, new TreeMap<>(), new TreeMap<>(), List.of(u), List.of(), marketData(h)));
            }
            hub.subscriptions(); // answered on the hub's thread, after the blocks
            assertThat((reads.get() - before) / blocks).as("state reads a block, for one updated account").isLessThanOrEqualTo(1);
        } finally {
            hub.close();
        }
    }
}
