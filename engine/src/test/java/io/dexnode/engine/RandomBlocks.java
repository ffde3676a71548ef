package io.dexnode.engine;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded stream of blocks exercising every transaction kind, including bad input (and, if asked,
 * the oracle's index prices with violent swings), around a
 * moving mid price in two markets: BTC-USD with the default cap on each account's resting orders,
 * ETH-USD with a cap of {@link #ETH_MAX_OPEN_ORDERS}, which the stream reaches. Order ids named by cancels and amends are guesses in the range
 * of ids handed out so far (some belong to others, some ended): the engine must sort them out.
 */
final class RandomBlocks {
    static final int ETH_MAX_OPEN_ORDERS = 4;
    private final SplittableRandom rnd;
    private final int accounts;
    private final int maxTxs;
    private long height;
    private long placed;
    private final long[] mid = {0, 1000, 500};
    /** The genesis's chain_params, or {@link #DEFAULT_CHAIN_PARAMS} for none. */
    private final int archiveAfterBlocks;
    static final int DEFAULT_CHAIN_PARAMS = -1;

    /** The oracle's name in these blocks. */
    static final String ORACLE = "oracle";
    private final boolean indexMoves;

    RandomBlocks(long seed, int accounts, int maxTxs) {
        this(seed, accounts, maxTxs, DEFAULT_CHAIN_PARAMS, false);
    }

    /** A stream whose genesis sets {@code archiveAfterBlocks} (or nothing: {@link #DEFAULT_CHAIN_PARAMS}). */
    RandomBlocks(long seed, int accounts, int maxTxs, int archiveAfterBlocks) {
        this(seed, accounts, maxTxs, archiveAfterBlocks, false);
    }

    /** A stream with the default chain parameters; {@code indexMoves} as below. */
    RandomBlocks(long seed, int accounts, int maxTxs, boolean indexMoves) {
        this(seed, accounts, maxTxs, DEFAULT_CHAIN_PARAMS, indexMoves);
    }

    /**
     * A stream whose genesis sets {@code archiveAfterBlocks} (or nothing: {@link #DEFAULT_CHAIN_PARAMS}).
     * With {@code indexMoves}, a third of the blocks start with the oracle's index price for one
     * market: near its mid, and one time in eight a violent swing of a fifth to a third, up or
     * down, which the flow's prices follow (so the book does too, and the mark with it); and
     * ETH-USD pays funding every 7 blocks.
     */
    RandomBlocks(long seed, int accounts, int maxTxs, int archiveAfterBlocks, boolean indexMoves) {
        this.rnd = new SplittableRandom(seed);
        this.accounts = accounts;
        this.maxTxs = maxTxs;
        this.archiveAfterBlocks = archiveAfterBlocks;
        this.indexMoves = indexMoves;
    }

    static List<Tx> genesis(int accounts) {
        return genesis(accounts, false);
    }

    /** With {@code funding}, ETH-USD pays funding every 7 blocks, capped at 2 % of the index. */
    static List<Tx> genesis(int accounts, boolean funding) {
        List<Tx> txs = new ArrayList<>();
        txs.add(new Tx.CreateMarket(null, 0, new MarketParams(1, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500)));
        MarketParams eth = new MarketParams(2, "ETH-USD", 5, 10, 10, 0, 10, 2000, 1000, ETH_MAX_OPEN_ORDERS);
        txs.add(new Tx.CreateMarket(null, 0, funding ? eth.withRisk(150, 7, 200) : eth));
        for (int i = 0; i < accounts; i++) {
            txs.add(new Tx.Deposit(name(i), 0, 200_000 + 50_000L * i));
        }
        return txs;
    }

    static String name(int i) {
        return "acct" + i;
    }

    Block next() {
        height++;
        if (height == 1) {
            List<Tx> genesis = new ArrayList<>();
            if (archiveAfterBlocks != DEFAULT_CHAIN_PARAMS) {
                genesis.add(new Tx.ChainParams(null, 0, archiveAfterBlocks));
            }
            genesis.addAll(genesis(accounts, indexMoves));
            return new Block(1, 1000, genesis);
        }
        int n = 1 + rnd.nextInt(maxTxs);
        List<Tx> txs = new ArrayList<>(n);
        if (indexMoves && rnd.nextInt(3) == 0) {
            txs.add(indexPrice());
        }
        for (int i = 0; i < n; i++) {
            txs.add(tx());
        }
        return new Block(height, height * 5, txs);
    }

    private Tx tx() {
        String who = name(rnd.nextInt(accounts));
        int market = 1 + rnd.nextInt(2);
        int roll = rnd.nextInt(100);
        if (roll < 55) {
            return place(who, market);
        }
        if (roll < 70) {
            return new Tx.Cancel(who, 0, orderGuess(), null);
        }
        if (roll < 72) {
            return new Tx.Cancel(who, 0, 0, "c" + rnd.nextInt(8));
        }
        if (roll < 85) {
            long price = rnd.nextInt(3) == 0 ? 0 : price(market);
            long size = rnd.nextInt(3) == 0 ? 0 : size(market);
            if (price == 0 && size == 0) {
                size = size(market);
            }
            return new Tx.Amend(who, 0, orderGuess(), null, price, size);
        }
        if (roll < 88) {
            return new Tx.CancelAll(who, 0, rnd.nextInt(3));
        }
        if (roll < 93) {
            return new Tx.Deposit(who, 0, rnd.nextInt(3) == 0 ? -5 : 1 + rnd.nextInt(50_000));
        }
        if (roll < 97) {
            return new Tx.Withdraw(who, 0, 1 + rnd.nextInt(80_000));
        }
        if (roll < 98) {
            return new Tx.Place("nobody", 0, 1, Side.BUY, 100, 1, TimeInForce.GTC, null, SelfTradePrevention.ALLOW);
        }
        return new Tx.Place(who, 0, 9, Side.BUY, 100, 1, TimeInForce.GTC, null, SelfTradePrevention.ALLOW);
    }

    private Tx indexPrice() {
        int market = 1 + rnd.nextInt(2);
        long tick = market == 1 ? 1 : 5;
        if (rnd.nextInt(8) == 0) {
            long percent = 20 + rnd.nextInt(14);
            long moved = rnd.nextBoolean() ? mid[market] * (100 + percent) / 100 : mid[market] * (100 - percent) / 100;
            mid[market] = Math.max(50 * tick, moved / tick * tick);
        }
        return new Tx.SetIndexPrice(ORACLE, 0, market, Math.max(tick, mid[market] + (rnd.nextInt(5) - 2) * tick));
    }

    private Tx place(String who, int market) {
        placed++;
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        TimeInForce tif = switch (rnd.nextInt(10)) {
            case 0 -> TimeInForce.IOC;
            case 1 -> TimeInForce.FOK;
            case 2 -> TimeInForce.POST_ONLY;
            default -> TimeInForce.GTC;
        };
        SelfTradePrevention stp = SelfTradePrevention.values()[rnd.nextInt(4)];
        String clientId = rnd.nextInt(4) == 0 ? "c" + rnd.nextInt(8) : null;
        long price = price(market);
        if (rnd.nextInt(40) == 0) {
            price += 1; // off tick in market 2
        }
        long size = size(market);
        if (rnd.nextInt(50) == 0) {
            size = rnd.nextBoolean() ? 0 : 3;
        }
        return new Tx.Place(who, 0, market, side, price, size, tif, clientId, stp);
    }

    private long price(int market) {
        long tick = market == 1 ? 1 : 5;
        mid[market] = Math.max(50 * tick, mid[market] + (rnd.nextInt(3) - 1) * tick);
        long offset = (rnd.nextInt(21) - 10) * tick;
        return Math.max(tick, mid[market] + offset);
    }

    private long size(int market) {
        long lot = market == 1 ? 1 : 10;
        long r = rnd.nextInt(5);
        return lot * (1 + r * r * r);
    }

    private long orderGuess() {
        return 1 + (placed == 0 ? 0 : rnd.nextLong(placed + 2));
    }
}
