package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random transactions whose numbers come from boundary sets (1, 2, tick and lot multiples,
 * 2^31, 2^62, Long.MAX_VALUE / k, Long.MAX_VALUE, and a few invalid ones), in markets whose own
 * parameters are extreme (tick, lot and minimum size from 1 to Long.MAX_VALUE, fees of 0 and
 * 10 000 bps, margins of 1 bp). After every block: the engine did not halt, every rejection is
 * typed with a message, and the invariants of {@link InvariantChecker} hold.
 */
class ExtremeValuesFuzzTest {
    private static final long MAX = Long.MAX_VALUE;
    private static final long[] BOUNDARY = {1, 2, 3, 1L << 31, (1L << 31) - 1, 1L << 62, MAX / 10_000, MAX / 10_001,
            MAX / 4, MAX / 3, MAX / 2, MAX - 1, MAX};
    private static final long[] INVALID = {0, -1, Long.MIN_VALUE};
    private static final String[] ACCOUNTS = {"a", "b", "c", "d", "e", "f"};
    private static final int BLOCKS = 600;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105, 106, 107, 108})
    void extremeValuesNeverHaltTheEngineAndKeepItsInvariants(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        InvariantChecker checker = new InvariantChecker();
        Generator gen = new Generator(rnd, new StateQueries(store));
        Map<RejectCode, Integer> codes = new EnumMap<>(RejectCode.class);
        int accepted = 0;
        int fills = 0;
        for (int height = 1; height <= BLOCKS; height++) {
            List<Tx> txs = height == 1 ? gen.genesis() : gen.block();
            BlockResult r;
            try {
                r = engine.executeBlock(height, height, txs);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": the engine halted at block " + height + " on " + txs, e);
            }
            for (TxResult t : r.results()) {
                if (t.accepted()) {
                    accepted++;
                    gen.kinds.merge(t.tx().type(), 1, Integer::sum);
                    gen.accepted(t);
                } else {
                    assertThat(t.rejection().code()).as("rejection of %s", t.tx()).isNotNull();
                    assertThat(t.rejection().message()).as("rejection of %s", t.tx()).isNotBlank();
                    codes.merge(t.rejection().code(), 1, Integer::sum);
                }
            }
            fills += r.fills().size();
            checker.observe(r);
            checker.check(engine, store);
            assertThat(engine.consistencyProblem()).isNull();
        }
        assertThat(accepted).as("accepted transactions").isGreaterThan(1000);
        assertThat(gen.kinds).as("accepted transactions by type")
                .allSatisfy((type, n) -> assertThat(n).as(type).isPositive())
                .containsKeys("place", "amend", "reduce", "cancel", "cancel_all", "deposit", "withdraw");
        assertThat(fills).as("fills").isGreaterThan(100);
        assertThat(codes).as("rejections by code").containsKey(RejectCode.OVERFLOW);
    }

    /** Draws transactions; remembers the markets that exist and the ids of orders handed out. */
    private static final class Generator {
        private final SplittableRandom rnd;
        private final List<MarketParams> markets = new ArrayList<>();
        private final StateQueries q;
        /** Ids of orders handed out, and the name of the account that placed each. */
        private final List<Long> orderIds = new ArrayList<>();
        private final List<String> owners = new ArrayList<>();
        /** Accepted transactions by type, to show the stream reaches every kind. */
        final Map<String, Integer> kinds = new TreeMap<>();

        Generator(SplittableRandom rnd, StateQueries q) {
            this.rnd = rnd;
            this.q = q;
        }

        /** Two ordinary markets (so trades happen) and a handful with extreme parameters, some invalid. */
        List<Tx> genesis() {
            List<Tx> txs = new ArrayList<>();
            txs.add(new Tx.CreateMarket(null, 0, new MarketParams(1, "ONE", 1, 1, 1, 10_000, 10_000, 1, 1)));
            txs.add(new Tx.CreateMarket(null, 0, new MarketParams(2, "TWO", 1, 1, 1, 0, 0, 10_000, 10_000)));
            txs.add(new Tx.CreateMarket(null, 0, new MarketParams(3, "THREE", 1 << 20, 1, 1, 5, 10, 1, 1)));
            for (int id = 4; id <= 9; id++) {
                long tick = pick(new long[] {1, 2, 1L << 31, 1L << 62, MAX / 10_000, MAX, 0, -1});
                long lot = pick(new long[] {1, 2, 1L << 31, 1L << 62, MAX, 0});
                long min = rnd.nextBoolean() ? lot : pick(new long[] {1, lot, 2 * lot, MAX, 0});
                int maker = (int) pick(new long[] {0, 1, 10_000, 10_001, -1});
                int taker = (int) pick(new long[] {0, 1, 10_000, 10_001});
                int initial = (int) pick(new long[] {1, 2, 10_000, 10_001, 0});
                int maintenance = (int) pick(new long[] {1, initial, initial + 1});
                txs.add(new Tx.CreateMarket(null, 0, new MarketParams(id, "M" + id, tick, lot, min, maker, taker, initial, maintenance)));
            }
            for (String a : ACCOUNTS) {
                txs.add(new Tx.Deposit(a, 0, 1L << 40));
            }
            return txs;
        }

        void accepted(TxResult t) {
            if (t.tx() instanceof Tx.CreateMarket c) {
                markets.add(c.params());
            }
            if (t.tx() instanceof Tx.Place && t.orderId() != 0) {
                orderIds.add(t.orderId());
                owners.add(t.tx().account());
            }
        }

        List<Tx> block() {
            int n = 1 + rnd.nextInt(24);
            List<Tx> txs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                txs.add(tx());
            }
            return txs;
        }

        private Tx tx() {
            String who = ACCOUNTS[rnd.nextInt(ACCOUNTS.length)];
            int kind = rnd.nextInt(100);
            if (kind < 8) {
                return new Tx.Deposit(who, 0, amount());
            }
            if (kind < 13) {
                // A third of the withdrawals take an account back down to 2^40, so that it can trade again.
                var acct = q.accountByName(who);
                boolean rich = acct != null && acct.collateral() > 1L << 41 && rnd.nextInt(3) == 0;
                return new Tx.Withdraw(who, 0, rich ? acct.collateral() - (1L << 40) : amount());
            }
            if (kind < 70 || orderIds.isEmpty()) {
                MarketParams m = market();
                TimeInForce tif = TimeInForce.values()[rnd.nextInt(TimeInForce.values().length)];
                SelfTradePrevention stp = SelfTradePrevention.values()[rnd.nextInt(SelfTradePrevention.values().length)];
                return new Tx.Place(who, 0, m == null ? rnd.nextInt(12) : m.marketId(), rnd.nextBoolean() ? Side.BUY : Side.SELL,
                        price(m), size(m), tif, null, stp);
            }
            int at = rnd.nextInt(orderIds.size());
            for (int tries = 0; tries < 8 && !q.order(orderIds.get(at)).isActive(); tries++) {
                at = rnd.nextInt(orderIds.size()); // mostly an order that still rests
            }
            long orderId = rnd.nextInt(8) == 0 ? pick(BOUNDARY) : orderIds.get(at);
            if (rnd.nextInt(5) != 0) {
                who = owners.get(at); // mostly the owner, so that the order is found and acted on
            }
            var order = q.order(orderId);
            if (kind < 78) {
                return new Tx.Cancel(who, 0, orderId, null);
            }
            if (kind < 79) {
                return new Tx.CancelAll(who, 0, rnd.nextBoolean() ? 0 : rnd.nextInt(12));
            }
            MarketParams m = order == null ? market() : q.market(order.marketId());
            if (kind < 88) {
                long size = order != null && order.remaining() > 1 && rnd.nextBoolean() ? order.remaining() / 2 : size(m);
                return new Tx.Reduce(who, 0, orderId, null, size);
            }
            return new Tx.Amend(who, 0, orderId, null, rnd.nextInt(3) == 0 ? 0 : price(m), rnd.nextInt(3) == 0 ? 0 : size(m));
        }

        private MarketParams market() {
            return markets.isEmpty() || rnd.nextInt(20) == 0 ? null : markets.get(rnd.nextInt(markets.size()));
        }

        private long amount() {
            return rnd.nextInt(10) == 0 ? pick(INVALID) : rnd.nextInt(3) == 0 ? 1L << (20 + rnd.nextInt(30)) : pick(BOUNDARY);
        }

        /** Mostly a small multiple of the tick (so orders meet), else a boundary or invalid value. */
        private long price(MarketParams m) {
            long tick = m == null ? 1 : m.tickSize();
            return switch (rnd.nextInt(10)) {
                case 0 -> pick(INVALID);
                case 1, 2 -> pick(BOUNDARY);
                case 3 -> multiple(tick, pick(BOUNDARY));
                case 4 -> multiple(tick, MAX / 10_000 / Math.max(1, m == null ? 1 : m.lotSize()));
                default -> multiple(tick, 1 + rnd.nextInt(4));
            };
        }

        /** Mostly a lot multiple at or above the minimum, often as large as a single order may be. */
        private long size(MarketParams m) {
            long lot = m == null ? 1 : m.lotSize();
            long min = m == null ? 1 : m.minSize();
            return switch (rnd.nextInt(10)) {
                case 0 -> pick(INVALID);
                case 1, 2 -> pick(BOUNDARY);
                case 3 -> multiple(lot, pick(BOUNDARY));
                case 4, 5 -> multiple(lot, (MAX / 10_000) / lot / (1L << rnd.nextInt(4)));
                default -> Math.max(min, multiple(lot, 1 + rnd.nextInt(1 << rnd.nextInt(20))));
            };
        }

        /** {@code unit × k}, or Long.MAX_VALUE's largest multiple of {@code unit} if that overflows. */
        private static long multiple(long unit, long k) {
            if (k <= 0) {
                return unit;
            }
            long hi = Math.multiplyHigh(unit, k);
            long lo = unit * k;
            return hi == 0 && lo >= 0 ? lo : MAX / unit * unit;
        }

        private long pick(long[] values) {
            return values[rnd.nextInt(values.length)];
        }
    }
}
