package io.dexnode.bench.engine;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark workload: a genesis of markets and funded accounts, then a seeded stream of order
 * transactions — 65 % GTC limit orders around a drifting mid, 10 % IOC orders that cross, 25 %
 * cancels of the account's own earlier orders (some already filled, which the engine refuses
 * cheaply). Every place is accepted (accounts are funded far beyond margin, and markets allow an
 * account the most resting orders a market may), so order ids are predictable from the stream alone.
 */
public final class OrderFlow {
    private final SplittableRandom rnd;
    private final int markets;
    private final int accounts;
    private final long[] mid;
    private final List<List<Long>> ownOrders = new ArrayList<>();
    private long nextOrderId = 1;

    public OrderFlow(long seed, int markets, int accounts) {
        this.rnd = new SplittableRandom(seed);
        this.markets = markets;
        this.accounts = accounts;
        this.mid = new long[markets + 1];
        for (int m = 1; m <= markets; m++) {
            mid[m] = 100_000;
        }
        for (int a = 0; a < accounts; a++) {
            ownOrders.add(new ArrayList<>());
        }
    }

    /** The engine will give the flow's next order this id (orders placed before the flow took the ones before). */
    public void startOrderIdsAt(long next) {
        nextOrderId = next;
    }

    public static String account(int i) {
        return "trader" + i;
    }

    public List<Tx> genesis() {
        List<Tx> txs = new ArrayList<>();
        for (int m = 1; m <= markets; m++) {
            // The largest cap on resting orders per account, so that few accounts still place every order.
            txs.add(new Tx.CreateMarket(null, 0, new MarketParams(m, "M" + m, 1, 1, 1, 2, 5, 1000, 500,
                    MarketParams.MAX_OPEN_ORDERS_LIMIT)));
        }
        for (int a = 0; a < accounts; a++) {
            txs.add(new Tx.Deposit(account(a), 0, 1_000_000_000_000_000L));
        }
        return txs;
    }

    /** The next order transaction. */
    public Tx next() {
        int a = rnd.nextInt(accounts);
        List<Long> own = ownOrders.get(a);
        int roll = rnd.nextInt(100);
        if (roll < 25 && !own.isEmpty()) {
            int at = rnd.nextInt(own.size());
            long id = own.get(at);
            own.set(at, own.get(own.size() - 1));
            own.remove(own.size() - 1);
            return new Tx.Cancel(account(a), 0, id, null);
        }
        int m = 1 + rnd.nextInt(markets);
        mid[m] = Math.max(1_000, mid[m] + rnd.nextInt(3) - 1);
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        long size = 1 + rnd.nextInt(10);
        long id = nextOrderId++;
        if (roll < 35) {
            long price = side == Side.BUY ? mid[m] + 5 : mid[m] - 5;
            return new Tx.Place(account(a), 0, m, side, price, size, TimeInForce.IOC, null, SelfTradePrevention.CANCEL_RESTING);
        }
        long offset = 1 + rnd.nextInt(40);
        long price = side == Side.BUY ? mid[m] - offset : mid[m] + offset;
        own.add(id);
        return new Tx.Place(account(a), 0, m, side, price, size, TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING);
    }
}
