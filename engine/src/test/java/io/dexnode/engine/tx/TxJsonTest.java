package io.dexnode.engine.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.schema.MarketParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streamed canonical JSON of transactions and blocks is byte for byte what Jackson's tree model
 * writes for the same fields in the same order (the form stored with every block, which a resumed
 * replay compares), and it parses back to the same transaction.
 */
class TxJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] STRINGS = {"alice", "bob-1", "quote\"d", "back\\slash", "new\nline", "ctl\u0001",
            "é", "emoji \uD83D\uDE00", "line\u2028sep", "tab\t", "</script>", "a/b"};

    @Test
    void everyTransactionKindMatchesTheTreeModelAndParsesBack() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 5_000; i++) {
            Tx tx = randomTx(r);
            String json = TxJson.toJsonString(tx);
            assertThat(json).as("tx %s", tx).isEqualTo(treeJson(tx).toString());
            assertThat(TxJson.parse(json)).isEqualTo(tx);
        }
    }

    @Test
    void aBlockIsItsHeaderFieldsAndTheTransactionsInOrder() {
        SplittableRandom r = new SplittableRandom(12);
        for (int n : new int[] {0, 1, 2, 50}) {
            List<Tx> txs = new ArrayList<>();
            StringBuilder expected = new StringBuilder("{\"height\":" + (7 + n) + ",\"time\":" + (1_700_000_000_000L + n) + ",\"txs\":[");
            for (int i = 0; i < n; i++) {
                Tx tx = randomTx(r);
                txs.add(tx);
                expected.append(i > 0 ? "," : "").append(treeJson(tx));
            }
            expected.append("]}");
            assertThat(BlockRecords.blockJson(7 + n, 1_700_000_000_000L + n, txs)).isEqualTo(expected.toString());
        }
    }

    /** The tree-model serializer the streamed one replaced: the oracle. */
    private static ObjectNode treeJson(Tx tx) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", tx.type());
        if (tx.account() != null) {
            n.put("account", tx.account());
        }
        if (tx.nonce() != 0) {
            n.put("nonce", tx.nonce());
        }
        fields(n, tx);
        return n;
    }

    private static void fields(ObjectNode n, Tx tx) {
        switch (tx) {
            case Tx.CreateMarket c -> {
                MarketParams p = c.params();
                n.put("market", Integer.toUnsignedLong(p.marketId())).put("symbol", p.symbol()).put("tickSize", p.tickSize())
                        .put("lotSize", p.lotSize()).put("minSize", p.minSize()).put("makerFeeBps", p.makerFeeBps())
                        .put("takerFeeBps", p.takerFeeBps()).put("initialMarginBps", p.initialMarginBps())
                        .put("maintenanceMarginBps", p.maintenanceMarginBps());
                if (p.maxOpenOrders() != MarketParams.DEFAULT_MAX_OPEN_ORDERS) {
                    n.put("maxOpenOrders", p.maxOpenOrders());
                }
                if (p.liquidationFeeBps() != MarketParams.DEFAULT_LIQUIDATION_FEE_BPS) {
                    n.put("liquidationFeeBps", p.liquidationFeeBps());
                }
                if (p.fundingIntervalBlocks() != MarketParams.DEFAULT_FUNDING_INTERVAL_BLOCKS) {
                    n.put("fundingIntervalBlocks", p.fundingIntervalBlocks());
                }
                if (p.fundingCapBps() != MarketParams.DEFAULT_FUNDING_CAP_BPS) {
                    n.put("fundingCapBps", p.fundingCapBps());
                }
            }
            case Tx.SetIndexPrice i -> n.put("market", i.market()).put("price", i.price());
            case Tx.Deposit d -> n.put("amount", d.amount());
            case Tx.Withdraw w -> n.put("amount", w.amount());
            case Tx.Place p -> {
                n.put("market", p.market()).put("side", p.side() == Side.BUY ? "buy" : "sell").put("price", p.price())
                        .put("size", p.size()).put("tif", p.tif().name().toLowerCase(java.util.Locale.ROOT));
                if (p.clientOrderId() != null) {
                    n.put("clientOrderId", p.clientOrderId());
                }
                n.put("stp", p.stp().name().toLowerCase(java.util.Locale.ROOT));
            }
            case Tx.Cancel c -> orderRef(n, c.orderId(), c.clientOrderId());
            case Tx.CancelAll c -> {
                if (c.market() != 0) {
                    n.put("market", c.market());
                }
            }
            case Tx.Reduce x -> {
                orderRef(n, x.orderId(), x.clientOrderId());
                n.put("size", x.size());
            }
            case Tx.Amend a -> {
                orderRef(n, a.orderId(), a.clientOrderId());
                if (a.price() != 0) {
                    n.put("price", a.price());
                }
                if (a.size() != 0) {
                    n.put("size", a.size());
                }
            }
            case Tx.Batch b -> {
                var actions = n.putArray("actions");
                for (Tx action : b.actions()) {
                    ObjectNode a = actions.addObject();
                    a.put("type", action.type());
                    fields(a, action);
                }
            }
            case Tx.ChainParams c -> n.put("archiveAfterBlocks", c.archiveAfterBlocks());
        }
    }

    private static void orderRef(ObjectNode n, long orderId, String clientOrderId) {
        if (orderId != 0) {
            n.put("order", orderId);
        } else {
            n.put("clientOrderId", clientOrderId);
        }
    }

    private static Tx randomTx(SplittableRandom r) {
        String account = pick(r);
        long nonce = r.nextBoolean() ? 0 : 1 + r.nextLong(Long.MAX_VALUE);
        if (r.nextInt(9) == 0) {
            List<Tx> actions = new ArrayList<>();
            for (int i = 1 + r.nextInt(r.nextBoolean() ? 3 : Tx.Batch.MAX_ACTIONS); i > 0; i--) {
                Tx a;
                do {
                    a = randomTx(r, account, 0);
                } while (!Tx.Batch.isAction(a));
                actions.add(a);
            }
            return new Tx.Batch(account, nonce, actions);
        }
        return randomTx(r, account, nonce);
    }

    private static Tx randomTx(SplittableRandom r, String account, long nonce) {
        long orderId = r.nextBoolean() ? 0 : 1 + r.nextLong(Long.MAX_VALUE - 1);
        String clientId = orderId == 0 ? pick(r) : null;
        return switch (r.nextInt(10)) {
            case 0 -> new Tx.CreateMarket(r.nextBoolean() ? null : account, nonce, new MarketParams(
                    1 + r.nextInt(Integer.MAX_VALUE - 1),
                    pick(r), 1 + r.nextLong(1_000_000), 1 + r.nextLong(1_000_000), 1 + r.nextLong(1_000_000),
                    r.nextInt(10_001), r.nextInt(10_001), r.nextInt(10_001), r.nextInt(10_001),
                    r.nextBoolean() ? MarketParams.DEFAULT_MAX_OPEN_ORDERS : r.nextInt(),
                    r.nextBoolean() ? MarketParams.DEFAULT_LIQUIDATION_FEE_BPS : r.nextInt(10_001),
                    r.nextBoolean() ? MarketParams.DEFAULT_FUNDING_INTERVAL_BLOCKS : r.nextInt(Integer.MAX_VALUE),
                    r.nextBoolean() ? MarketParams.DEFAULT_FUNDING_CAP_BPS : r.nextInt(10_001)));
            case 1 -> new Tx.Deposit(account, nonce, r.nextLong(Long.MAX_VALUE));
            case 2 -> new Tx.Withdraw(account, nonce, r.nextLong(Long.MAX_VALUE));
            case 3 -> new Tx.Place(account, nonce, 1 + r.nextInt(Integer.MAX_VALUE - 1), r.nextBoolean() ? Side.BUY : Side.SELL,
                    r.nextLong(Long.MAX_VALUE), r.nextLong(Long.MAX_VALUE),
                    TimeInForce.values()[r.nextInt(TimeInForce.values().length)], r.nextBoolean() ? null : pick(r),
                    SelfTradePrevention.values()[r.nextInt(SelfTradePrevention.values().length)]);
            case 4 -> new Tx.Cancel(account, nonce, orderId, clientId);
            case 5 -> new Tx.CancelAll(account, nonce, r.nextBoolean() ? 0 : 1 + r.nextInt(Integer.MAX_VALUE - 1));
            case 6 -> new Tx.Reduce(account, nonce, orderId, clientId, 1 + r.nextLong(Long.MAX_VALUE - 1));
            case 7 -> new Tx.ChainParams(r.nextBoolean() ? null : account, nonce, r.nextInt(Integer.MAX_VALUE));
            case 8 -> new Tx.SetIndexPrice(account, nonce, 1 + r.nextInt(Integer.MAX_VALUE - 1), r.nextLong(Long.MAX_VALUE));
            default -> {
                long price = r.nextInt(3) == 0 ? 0 : 1 + r.nextLong(Long.MAX_VALUE - 1);
                long size = price == 0 || r.nextBoolean() ? 1 + r.nextLong(Long.MAX_VALUE - 1) : 0;
                yield new Tx.Amend(account, nonce, orderId, clientId, price, size);
            }
        };
    }

    @Test
    void aBatchCarriesItsAccountAndNonceOnceAndItsActionsWithoutThem() {
        Tx tx = TxJson.parse("{\"type\":\"batch\",\"account\":\"alice\",\"nonce\":9,\"actions\":["
                + "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":100,\"size\":2},"
                + "{\"type\":\"cancel\",\"clientOrderId\":\"c1\"},{\"type\":\"cancel_all\"},"
                + "{\"type\":\"amend\",\"order\":4,\"price\":101},{\"type\":\"reduce\",\"order\":4,\"size\":1}]}");
        assertThat(tx).isEqualTo(new Tx.Batch("alice", 9, List.of(
                new Tx.Place("alice", 0, 1, Side.BUY, 100, 2, TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING),
                new Tx.Cancel("alice", 0, 0, "c1"), new Tx.CancelAll("alice", 0, 0), new Tx.Amend("alice", 0, 4, null, 101, 0),
                new Tx.Reduce("alice", 0, 4, null, 1))));
        assertThat(TxJson.toJsonString(tx)).isEqualTo("{\"type\":\"batch\",\"account\":\"alice\",\"nonce\":9,\"actions\":["
                + "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":100,\"size\":2,\"tif\":\"gtc\",\"stp\":\"cancel_resting\"},"
                + "{\"type\":\"cancel\",\"clientOrderId\":\"c1\"},{\"type\":\"cancel_all\"},"
                + "{\"type\":\"amend\",\"order\":4,\"price\":101},{\"type\":\"reduce\",\"order\":4,\"size\":1}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"actions\":[]",
            "\"actions\":{}",
            "\"actions\":[1]",
            "\"actions\":[{\"type\":\"cancel_all\",\"account\":\"alice\"}]",
            "\"actions\":[{\"type\":\"cancel_all\",\"nonce\":3}]",
            "\"actions\":[{\"type\":\"deposit\",\"amount\":5}]",
            "\"actions\":[{\"type\":\"sell_everything\"}]",
            "\"actions\":[{\"market\":1}]",
            "\"actions\":[{\"type\":\"batch\",\"actions\":[{\"type\":\"cancel_all\"}]}]",
            "\"actions\":[{\"type\":\"cancel_all\"},{\"type\":\"place\",\"market\":1}]",
            "\"actions\":[{\"type\":\"cancel_all\",\"extra\":1}]",
            "\"actions\":[{\"type\":\"cancel_all\"}],\"market\":1",
    })
    void aMalformedBatchIsRefusedWhole(String rest) {
        String json = "{\"type\":\"batch\",\"account\":\"alice\",\"nonce\":2," + rest + "}";
        assertThatThrownBy(() -> TxJson.parse(json))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.rejection().code()).isEqualTo(RejectCode.MALFORMED));
    }

    @Test
    void aBatchHoldsAtMostFiftyActions() {
        String action = "{\"type\":\"cancel_all\"}";
        String fifty = "{\"type\":\"batch\",\"account\":\"a\",\"actions\":[" + String.join(",", Collections.nCopies(50, action)) + "]}";
        String fiftyOne = "{\"type\":\"batch\",\"account\":\"a\",\"actions\":[" + String.join(",", Collections.nCopies(51, action)) + "]}";
        assertThat(((Tx.Batch) TxJson.parse(fifty)).actions()).hasSize(50);
        assertThatThrownBy(() -> TxJson.parse(fiftyOne)).isInstanceOf(RejectedException.class)
                .hasMessageContaining("1 to 50 actions");
    }

    /**
     * A string field holding an unpaired surrogate (sent as a lone JSON escape of U+D800 to U+DFFF) is
     * refused: blocks are stored as UTF-8, which would turn it into '?', so the block served and
     * replayed would name another order than the one executed. A surrogate pair (an emoji) is fine.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"place\",\"account\":\"alice\",\"nonce\":2,\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1,\"clientOrderId\":\"\\ud800\"}",
            "{\"type\":\"cancel\",\"account\":\"alice\",\"nonce\":2,\"clientOrderId\":\"x\\udfffy\"}",
            "{\"type\":\"cancel\",\"account\":\"ali\\udbffce\",\"nonce\":2,\"order\":1}",
            "{\"type\":\"batch\",\"account\":\"alice\",\"nonce\":2,\"actions\":[{\"type\":\"reduce\",\"clientOrderId\":\"\\ude00\\ud83d\",\"size\":1}]}",
    })
    void aStringWithAnUnpairedSurrogateIsMalformed(String json) {
        assertThatThrownBy(() -> TxJson.parse(json))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.rejection().code()).isEqualTo(RejectCode.MALFORMED))
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void aSurrogatePairIsKeptAndStoredAsItsUtf8() {
        Tx tx = TxJson.parse("{\"type\":\"cancel\",\"account\":\"alice\",\"nonce\":2,\"clientOrderId\":\"\\ud83d\\ude00\"}");
        assertThat(((Tx.Cancel) tx).clientOrderId()).isEqualTo("\uD83D\uDE00");
        String stored = new String(BlockRecords.blockJson(3, 4, List.of(tx)).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(((Tx.Cancel) BlockJson.parse(stored).txs().get(0)).clientOrderId()).isEqualTo("\uD83D\uDE00");
    }

    private static String pick(SplittableRandom r) {
        return STRINGS[r.nextInt(STRINGS.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(1000)));
    }
}
