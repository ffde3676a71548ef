package io.dexnode.engine;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded chain of blocks that exercises every transaction kind: four markets (the third
 * created mid-chain, with refused attempts beside it; the fourth, {@link #LIQ}, by the scripted
 * liquidations), deposits and withdrawals, orders of every
 * time in force and self-trade rule, cancels by id and by client order id, cancel-all, amends,
 * reduces, signed-style nonces, the oracle's index prices (some of them violent swings, some
 * refused), a thinly collateralized trader whom those swings liquidate, funding in ETH-USD, and
 * bad input of most kinds. It executes each block on an engine
 * of its own as it goes, so that most cancels, amends and reduces name orders that really rest
 * (a stream of guessed ids would mostly be refused); the rest are guesses, which the engine must
 * sort out. The same seed and length always give the same blocks.
 */
final class SeededChain {
    static final int BTC = 1;
    static final int ETH = 2;
    static final int SOL = 3;
    /** A market only scripted blocks trade in: a liquidation against the book and by deleveraging, then one the insurance fund pays for. */
    static final int LIQ = 4;
    /** Markets that do not exist: orders there are refused. */
    private static final int NO_SUCH_MARKET = 9;
    /** The account that sends its transactions with nonces, as the network does. */
    private static final String SIGNER = "gus";
    /** The oracle: index prices, with nonces. */
    private static final String ORACLE = "oracle";
    /** A trader with little collateral and large orders: the one the index's swings liquidate. */
    private static final String GAMBLER = "zed";

    private final SplittableRandom rnd;
    private final Engine engine = new Engine(new InMemoryStateStore());
    private final List<String> traders = new ArrayList<>(List.of("alice", "bob", "carol", "dave", "erin", "frank"));
    private final Map<String, Long> accountIds = new HashMap<>();
    private final Map<Long, String> clientIds = new HashMap<>();
    private final long[] mid = {0, 1_000, 500, 200};
    private final int solHeight;
    private final int liqHeight;
    private long lastOrderId;
    private long signerNonce;
    private long oracleNonce;
    private long time = 1_000;
    private long height;

    private SeededChain(long seed, int blocks) {
        this.rnd = new SplittableRandom(seed);
        this.solHeight = Math.max(2, blocks / 3);
        this.liqHeight = Math.max(solHeight + 2, blocks / 2);
        engine.rebuildOrderbookFromState();
    }

    /** {@code blocks} blocks from height 1 (genesis: two markets and the first deposits). */
    static List<Block> generate(long seed, int blocks) {
        SeededChain chain = new SeededChain(seed, blocks);
        List<Block> out = new ArrayList<>(blocks);
        for (int i = 0; i < blocks; i++) {
            out.add(chain.next());
        }
        return out;
    }

    static MarketParams btc() {
        return new MarketParams(BTC, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500);
    }

    static MarketParams eth() {
        return new MarketParams(ETH, "ETH-USD", 5, 10, 10, 0, 10, 2000, 1000, 4, 200, 10, 50);
    }

    static MarketParams sol() {
        return new MarketParams(SOL, "SOL-USD", 2, 5, 20, 3, 8, 1500, 750);
    }

    private Block next() {
        height++;
        time += height == 1 ? 0 : 1 + rnd.nextInt(40);
        List<Tx> txs = new ArrayList<>();
        if (height == 1) {
            txs.add(new Tx.CreateMarket(null, 0, btc()));
            txs.add(new Tx.CreateMarket(null, 0, eth()));
            for (int i = 0; i < traders.size(); i++) {
                txs.add(new Tx.Deposit(traders.get(i), 0, 400_000 + 100_000L * i));
            }
            txs.add(new Tx.Deposit(SIGNER, ++signerNonce, 300_000));
            txs.add(new Tx.Deposit(GAMBLER, 0, 30_000));
        } else if (height == solHeight) {
            txs.add(new Tx.CreateMarket(null, 0, new MarketParams(BTC, "BTC-USD2", 1, 1, 1, 2, 5, 1000, 500)));
            txs.add(new Tx.CreateMarket(null, 0, new MarketParams(4, "BAD-USD", 1, 1, 1, 2, 5, 500, 1000)));
            txs.add(new Tx.CreateMarket(null, 0, sol()));
            txs.add(place(traders.get(0), SOL));
            txs.add(gtcIn(SOL, traders.get(1), Side.BUY, 200, 10)); // below SOL's minimum size of 20
        } else if (height >= liqHeight && height < liqHeight + LIQUIDATION_SCRIPT.size()) {
            txs.addAll(LIQUIDATION_SCRIPT.get((int) (height - liqHeight)));
        } else if (rnd.nextInt(30) != 0) { // now and then an empty block
            if (height > 3 && rnd.nextInt(4) == 0) {
                txs.add(indexPrice());
            }
            int n = 1 + rnd.nextInt(12);
            for (int i = 0; i < n; i++) {
                txs.add(rnd.nextInt(8) == 0 ? gamble() : tx());
            }
        }
        Block block = new Block(height, time, txs);
        learn(engine.executeBlock(block.height(), block.time(), block.txs()));
        return block;
    }

    /**
     * Blocks that liquidate, in a market of their own so that the random flow cannot change how:
     * yan, long 100 at 1000 with 12 000 of collateral and a bid resting, is liquidated when the
     * index falls to 900 with kim's bid of 100 at 960 under it: its bid is cancelled, the book takes
     * its position, and its liquidation fee (900) starts the insurance fund. Then uma, long 50 at
     * 900 with 5 000, is liquidated at an index of 800 with only a bid of 30 at 790, below its
     * bankruptcy price: the fund pays the difference on those 30, and the other 20 are deleveraged
     * against bank's short.
     */
    private static final List<List<Tx>> LIQUIDATION_SCRIPT = List.of(
            List.of(new Tx.CreateMarket(null, 0, new MarketParams(LIQ, "LIQ-USD", 1, 1, 1, 0, 0, 1000, 500)),
                    new Tx.Deposit("yan", 0, 12_000), new Tx.Deposit("bank", 0, 1_000_000),
                    new Tx.Deposit("kim", 0, 1_000_000), new Tx.Deposit("uma", 0, 5_000)),
            List.of(new Tx.SetIndexPrice(ORACLE, 0, LIQ, 1000), gtcIn(LIQ, "bank", Side.SELL, 1000, 100),
                    gtcIn(LIQ, "yan", Side.BUY, 1000, 100), gtcIn(LIQ, "yan", Side.BUY, 900, 1),
                    gtcIn(LIQ, "kim", Side.BUY, 960, 100)),
            List.of(new Tx.SetIndexPrice(ORACLE, 0, LIQ, 900)),
            List.of(gtcIn(LIQ, "bank", Side.SELL, 900, 50), gtcIn(LIQ, "uma", Side.BUY, 900, 50),
                    gtcIn(LIQ, "kim", Side.BUY, 790, 30)),
            List.of(new Tx.SetIndexPrice(ORACLE, 0, LIQ, 800)));

    private static Tx.Place gtcIn(int market, String who, Side side, long price, long size) {
        return new Tx.Place(who, 0, market, side, price, size, TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING);
    }

    /** Remembers what later transactions may name: account ids, order ids, client order ids. */
    private void learn(BlockResult result) {
        for (TxResult r : result.results()) {
            if (!r.accepted()) {
                continue;
            }
            switch (r.tx()) {
                case Tx.Deposit d -> accountIds.putIfAbsent(d.account(), r.accountId());
                case Tx.Place p -> {
                    lastOrderId = Math.max(lastOrderId, r.orderId());
                    if (p.clientOrderId() != null) {
                        clientIds.put(r.orderId(), p.clientOrderId());
                    }
                }
                default -> {
                }
            }
        }
    }

    /** The markets the random flow trades in (not {@link #LIQ}, which only the script does). */
    private List<Integer> markets() {
        return engine.marketIds().stream().filter(m -> m != LIQ).toList();
    }

    private int anyMarket() {
        List<Integer> m = markets();
        return m.get(rnd.nextInt(m.size()));
    }

    private String trader() {
        return traders.get(rnd.nextInt(traders.size()));
    }

    private Tx tx() {
        String who = trader();
        int roll = rnd.nextInt(100);
        if (roll < 44) {
            return place(who, anyMarket());
        }
        if (roll < 54) {
            Resting o = ownResting(who);
            return o == null ? place(who, anyMarket()) : new Tx.Cancel(who, 0, byId(o), byClientId(o));
        }
        if (roll < 57) {
            return new Tx.Cancel(who, 0, orderGuess(), null);
        }
        if (roll < 65) {
            Resting o = ownResting(who);
            return o == null ? place(who, anyMarket()) : amend(who, o);
        }
        if (roll < 67) {
            long price = rnd.nextBoolean() ? price(BTC) : 0;
            return new Tx.Amend(who, 0, orderGuess(), null, price, price == 0 ? size(BTC) : 0);
        }
        if (roll < 72) {
            Resting o = ownResting(who);
            return o == null ? place(who, anyMarket()) : reduce(who, o);
        }
        if (roll < 75) {
            int market = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> NO_SUCH_MARKET;
                default -> anyMarket();
            };
            return new Tx.CancelAll(who, 0, market);
        }
        if (roll < 81) {
            return deposit(who);
        }
        if (roll < 86) {
            long amount = switch (rnd.nextInt(6)) {
                case 0 -> 1_000_000_000L; // more than anyone has
                case 1 -> 0;
                default -> 1 + rnd.nextInt(60_000);
            };
            return new Tx.Withdraw(who, 0, amount);
        }
        if (roll < 90) {
            return signed();
        }
        return badInput(who);
    }

    private Tx.Place place(String who, int market) {
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        TimeInForce tif = switch (rnd.nextInt(10)) {
            case 0 -> TimeInForce.IOC;
            case 1 -> TimeInForce.FOK;
            case 2, 3 -> TimeInForce.POST_ONLY;
            default -> TimeInForce.GTC;
        };
        SelfTradePrevention stp = SelfTradePrevention.values()[rnd.nextInt(SelfTradePrevention.values().length)];
        String clientId = rnd.nextInt(10) < 3 ? "c" + rnd.nextInt(10) : null;
        int priced = market == NO_SUCH_MARKET ? BTC : market;
        return new Tx.Place(who, 0, market, side, price(priced), size(priced), tif, clientId, stp);
    }

    private Tx deposit(String who) {
        return switch (rnd.nextInt(10)) {
            case 0 -> new Tx.Deposit(who, 0, rnd.nextBoolean() ? -5 : 0);
            case 1 -> {
                String newcomer = "trader" + traders.size();
                traders.add(newcomer); // trades from the next block on; refused as unknown until its deposit
                yield new Tx.Deposit(newcomer, 0, 150_000 + rnd.nextInt(100_000));
            }
            case 2 -> new Tx.Deposit("not a name!", 0, 10);
            default -> new Tx.Deposit(who, 0, 1 + rnd.nextInt(50_000));
        };
    }

    /**
     * The oracle's next index price for BTC or ETH: near the mid, now and then a swing of a third
     * (which moves the mid with it), sometimes refused (off the tick, not positive, an unknown
     * market, a stale nonce).
     */
    private Tx indexPrice() {
        int market = rnd.nextBoolean() ? BTC : ETH;
        long tick = params(market).tickSize();
        int roll = rnd.nextInt(20);
        if (roll < 3) {
            mid[market] = Math.max(50 * tick, mid[market] / tick * (rnd.nextBoolean() ? 4 : 2) / 3 * tick);
        }
        long price = Math.max(tick, mid[market] + (rnd.nextInt(5) - 2) * tick);
        long nonce = ++oracleNonce;
        return switch (roll) {
            case 3 -> new Tx.SetIndexPrice(ORACLE, nonce, market, tick > 1 ? price + 1 : 0); // off the tick, or not positive
            case 4 -> new Tx.SetIndexPrice(ORACLE, nonce, NO_SUCH_MARKET, price);
            case 5 -> new Tx.SetIndexPrice(ORACLE, Math.max(1, nonce - 2), market, price);
            default -> new Tx.SetIndexPrice(ORACLE, nonce, market, price);
        };
    }

    /**
     * The gambler's large orders near the mid (a third of them resting away from it, there to be
     * cancelled when it is liquidated), in BTC or ETH, and its deposits when it runs dry.
     */
    private Tx gamble() {
        if (rnd.nextInt(6) == 0) {
            return new Tx.Deposit(GAMBLER, 0, 20_000);
        }
        int market = rnd.nextBoolean() ? BTC : ETH;
        MarketParams p = params(market);
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        long size = p.minSize() + p.lotSize() * (10 + rnd.nextInt(20));
        long away = rnd.nextInt(3) == 0 ? -12 : rnd.nextInt(4);
        long price = Math.max(p.tickSize(), mid[market] + (side == Side.BUY ? 1 : -1) * p.tickSize() * away);
        return new Tx.Place(GAMBLER, 0, market, side, price, size, TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING);
    }

    /** The signer's transactions carry nonces: mostly fresh (some skip ahead), sometimes stale. */
    private Tx signed() {
        long nonce;
        if (rnd.nextInt(4) == 0) {
            nonce = Math.max(1, signerNonce - rnd.nextInt(3));
        } else {
            signerNonce += 1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(10) : 0);
            nonce = signerNonce;
        }
        Tx.Place p = place(SIGNER, anyMarket());
        if (rnd.nextInt(3) == 0) {
            return new Tx.Deposit(SIGNER, nonce, 1 + rnd.nextInt(20_000));
        }
        return new Tx.Place(SIGNER, nonce, p.market(), p.side(), p.price(), p.size(), p.tif(), p.clientOrderId(), p.stp());
    }

    private Tx badInput(String who) {
        Tx.Place p = place(who, BTC);
        return switch (rnd.nextInt(12)) {
            case 0 -> place(who, NO_SUCH_MARKET);
            case 1 -> place("mallory", BTC);
            case 2 -> new Tx.Place(who, 0, BTC, p.side(), 0, p.size(), p.tif(), null, p.stp());
            case 3 -> new Tx.Place(who, 0, ETH, p.side(), price(ETH) + 1, size(ETH), TimeInForce.GTC, null, p.stp());
            case 4 -> new Tx.Place(who, 0, ETH, p.side(), price(ETH), size(ETH) + 3, TimeInForce.GTC, null, p.stp());
            case 5 -> new Tx.Place(who, 0, markets().contains(SOL) ? SOL : BTC, p.side(), price(SOL), 5 * rnd.nextInt(4),
                    TimeInForce.GTC, null, p.stp());
            case 6 -> new Tx.Place(who, 0, BTC, p.side(), p.price(), 5_000_000, TimeInForce.GTC, null, p.stp());
            case 7 -> new Tx.Place(who, 0, BTC, p.side(), Long.MAX_VALUE / 4, 3, TimeInForce.GTC, null, p.stp());
            case 8 -> {
                Resting o = ownResting(who);
                String taken = o == null ? null : clientIds.get(o.id());
                yield new Tx.Place(who, 0, BTC, p.side(), p.price(), p.size(), TimeInForce.GTC,
                        taken == null ? "c0" : taken, p.stp());
            }
            case 9 -> new Tx.Cancel(who, 0, 0, "never-used");
            case 10 -> new Tx.Reduce(who, 0, orderGuess(), null, 1 + rnd.nextInt(5));
            default -> new Tx.Place(who, 0, BTC, p.side(), p.price(), -p.size(), TimeInForce.GTC, null, p.stp());
        };
    }

    /** New price, a larger size, a smaller one at the same price (keeps priority), or both. */
    private Tx amend(String who, Resting o) {
        long lot = params(o.market()).lotSize();
        return switch (rnd.nextInt(4)) {
            case 0 -> new Tx.Amend(who, 0, byId(o), byClientId(o), price(o.market()), 0);
            case 1 -> new Tx.Amend(who, 0, byId(o), byClientId(o), 0, o.remaining() + lot * (1 + rnd.nextInt(5)));
            case 2 -> new Tx.Amend(who, 0, byId(o), byClientId(o), o.price(),
                    Math.max(params(o.market()).minSize(), o.remaining() - lot));
            default -> new Tx.Amend(who, 0, byId(o), byClientId(o), price(o.market()), size(o.market()));
        };
    }

    /** To a smaller size (keeps priority); now and then to its own size or more, which is refused. */
    private Tx reduce(String who, Resting o) {
        long lot = params(o.market()).lotSize();
        long lots = o.remaining() / lot;
        long size = lots > 1 && rnd.nextInt(6) != 0 ? lot * (1 + rnd.nextLong(lots - 1)) : o.remaining();
        return new Tx.Reduce(who, 0, byId(o), byClientId(o), size);
    }

    private record Resting(long id, int market, long price, long remaining) {
    }

    /** One of the account's resting orders, chosen at random, or null if it has none. */
    private Resting ownResting(String who) {
        Long account = accountIds.get(who);
        if (account == null) {
            return null;
        }
        List<Resting> mine = new ArrayList<>();
        for (int m : markets()) {
            engine.book(m).forEachOrder((id, owner, side, price, remaining, seq) -> {
                if (owner == account) {
                    mine.add(new Resting(id, m, price, remaining));
                }
            });
        }
        return mine.isEmpty() ? null : mine.get(rnd.nextInt(mine.size()));
    }

    /** By client order id a third of the time the order has one, else by id. */
    private long byId(Resting o) {
        return byClientId(o) == null ? o.id() : 0;
    }

    private String byClientId(Resting o) {
        String client = clientIds.get(o.id());
        // Decided by the order id rather than a draw, so byId and byClientId agree for one order.
        return client != null && o.id() % 3 == 0 ? client : null;
    }

    private MarketParams params(int market) {
        return switch (market) {
            case BTC -> btc();
            case ETH -> eth();
            default -> sol();
        };
    }

    private long price(int market) {
        long tick = params(market).tickSize();
        mid[market] = Math.max(50 * tick, mid[market] + (rnd.nextInt(3) - 1) * tick);
        return Math.max(tick, mid[market] + (rnd.nextInt(17) - 8) * tick);
    }

    private long size(int market) {
        MarketParams p = params(market);
        long r = rnd.nextInt(5);
        return p.minSize() + p.lotSize() * r * r * r;
    }

    private long orderGuess() {
        return 1 + rnd.nextLong(lastOrderId + 3);
    }
}
