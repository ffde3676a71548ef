package io.dexnode.engine;

import io.dexnode.book.BookListener;
import io.dexnode.book.BookReason;
import io.dexnode.book.DoneStatus;
import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.AccountIdValue;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The DEX: executes blocks of transactions deterministically against the in-memory books and the
 * authenticated state, and commits one state root per block.
 *
 * <p>Invariants kept after every transaction: an {@code ActiveOrder(market, order)} entry exists
 * iff the order is Active with remaining &gt; 0, and then it rests in its market's book with that
 * remaining and priority; Σ collateral − Σ entry notional over all accounts equals deposits −
 * withdrawals; positions net to zero per market; every account's headroom sum (see
 * {@code checkHeadroom}) fits in a long, so no fill can overflow its records; a place never
 * leaves its account more than the market's {@code maxOpenOrders} orders resting there (counted
 * by the account order index, derived from state; amends and reduces add none). A transaction is
 * validated completely before the book is touched, so a rejection changes nothing; an exception
 * after that point is a broken invariant and halts the engine.
 *
 * <p>Not thread-safe: one thread executes blocks; readers use the query methods between blocks.
 */
public final class Engine {
    /** The account that collects fees. */
    public static final long FEE_ACCOUNT_ID = 0;
    public static final String FEE_ACCOUNT_NAME = "$fees";
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** A name of 64 hex digits is an Ed25519 public key's: only its lower-case spelling, the one admission writes, may be an account. */
    private static final Pattern PUBLIC_KEY_NOT_LOWER_CASE = Pattern.compile("(?=.*[A-F])[0-9a-fA-F]{64}");
    private static final int MAX_CLIENT_ORDER_ID = 64;
    private static final long BPS = 10_000;

    private final StateStore store;
    private final EngineConfig config;
    private final StateOverlay state;
    private final TreeMap<Integer, MarketBook> markets = new TreeMap<>();
    /** Derived from state (rebuilt by recovery): each account's active orders, by id. */
    private final AccountOrderIndex accountOrders = new AccountOrderIndex();
    private final Matcher matcher = new Matcher();
    private volatile EngineHaltedException halted;

    public Engine(StateStore store, EngineConfig config) {
        this.store = store;
        this.config = config;
        this.state = new StateOverlay(store, config.recordCacheEntries());
    }

    public Engine(StateStore store) {
        this(store, EngineConfig.defaults());
    }

    public StateStore store() {
        return store;
    }

    /** The latest committed height, or {@link StateStore#NO_VERSION}. */
    public long height() {
        return store.latestVersion();
    }

    public byte[] root() {
        return store.latestRoot();
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Executes {@code txs} in order and commits them as block {@code height} (greater than the last
     * committed height) in one atomic write, returning once it is durable. Rejected transactions are
     * part of the block's record but change no state.
     *
     * @throws EngineHaltedException if the commit failed or an invariant broke; the engine is then unusable
     */
    public BlockResult executeBlock(long height, long time, List<Tx> txs) {
        PendingBlock pending = executeBlockPipelined(height, time, txs);
        pending.awaitDurable();
        return pending.result();
    }

    /**
     * Like {@link #executeBlock}, but returns once the block's root is computed, while its write may
     * still be under way: the next block can execute meanwhile (it sees this block's state). Nothing
     * of the block may be acknowledged before {@link PendingBlock#awaitDurable()} returns. A failed
     * write halts the engine.
     */
    public PendingBlock executeBlockPipelined(long height, long time, List<Tx> txs) {
        checkRunning();
        long last = store.latestVersion();
        if (height <= last) {
            throw new IllegalArgumentException("block height " + height + " is not above the committed height " + last);
        }
        long start = System.nanoTime();
        BlockContext block = new BlockContext(height);
        List<TxResult> results = new ArrayList<>(txs.size());
        try {
            for (Tx tx : txs) {
                results.add(executeTx(block, tx));
            }
        } catch (RuntimeException e) {
            throw halt("block " + height + " broke an invariant while executing", e);
        }
        long executed = System.nanoTime();
        WriteSet writes = state.toWriteSet();
        PendingCommit commit;
        try {
            commit = store.commitPipelined(height, writes, BlockRecords.extras(height, time, txs, block.newOrders));
            state.blockCommitted();
        } catch (RuntimeException e) {
            throw halt("commit of block " + height + " failed", e);
        }
        commit.durable().whenComplete((ok, failed) -> {
            if (failed != null) {
                halt("commit of block " + height + " failed", failed);
            }
        });
        long committed = System.nanoTime();
        BlockHeader header = new BlockHeader(height, time, commit.root(), txs.size());
        return new PendingBlock(new BlockResult(header, results, block.fills, block.orderUpdates, block.balances(this),
                executed - start, committed - executed), commit);
    }

    /** A block executed and committed whose write may still be under way. */
    public final class PendingBlock {
        private final BlockResult result;
        private final PendingCommit commit;

        private PendingBlock(BlockResult result, PendingCommit commit) {
            this.result = result;
            this.commit = commit;
        }

        /** The block's results; not to be acknowledged before {@link #awaitDurable()}. */
        public BlockResult result() {
            return result;
        }

        /** Completes when the block is durable (exceptionally when its write failed). */
        public java.util.concurrent.CompletableFuture<Void> durable() {
            return commit.durable();
        }

        /** Waits until the block is durable; a failed write halts the engine and is thrown as such. */
        public void awaitDurable() {
            try {
                commit.awaitDurable();
            } catch (RuntimeException e) {
                throw halt("commit of block " + result.header().height() + " failed", e);
            }
        }
    }

    private TxResult executeTx(BlockContext block, Tx tx) {
        TxContext ctx = new TxContext(block);
        try {
            TxResult result = switch (tx) {
                case Tx.CreateMarket c -> createMarket(ctx, c);
                case Tx.Deposit d -> deposit(ctx, d);
                case Tx.Withdraw w -> withdraw(ctx, w);
                case Tx.Place p -> place(ctx, p);
                case Tx.Cancel c -> cancel(ctx, c);
                case Tx.CancelAll c -> cancelAll(ctx, c);
                case Tx.Reduce r -> reduce(ctx, r);
                case Tx.Amend a -> amend(ctx, a);
            };
            state.commitTx();
            block.accept(ctx);
            return result;
        } catch (RejectedException r) {
            if (ctx.bookTouched) {
                throw new IllegalStateException("rejection after the book changed: " + r.getMessage(), r);
            }
            state.rollbackTx();
            return TxResult.rejected(tx, r.rejection());
        }
    }

    // ---------------------------------------------------------------- transactions

    private TxResult createMarket(TxContext ctx, Tx.CreateMarket c) {
        MarketParams p = c.params();
        if (p.marketId() <= 0) {
            throw reject(RejectCode.INVALID_MARKET, "market id must be from 1 to " + Integer.MAX_VALUE);
        }
        if (p.symbol() == null || p.symbol().isBlank() || p.symbol().length() > 32 || !wellFormed(p.symbol())) {
            throw reject(RejectCode.INVALID_MARKET, "symbol must be 1 to 32 characters of well-formed Unicode");
        }
        if (p.tickSize() <= 0 || p.lotSize() <= 0 || p.minSize() <= 0) {
            throw reject(RejectCode.INVALID_MARKET, "tickSize, lotSize and minSize must be positive");
        }
        if (p.makerFeeBps() < 0 || p.makerFeeBps() > BPS || p.takerFeeBps() < 0 || p.takerFeeBps() > BPS) {
            throw reject(RejectCode.INVALID_MARKET, "makerFeeBps and takerFeeBps must be 0 to 10000");
        }
        if (p.initialMarginBps() <= 0 || p.maintenanceMarginBps() <= 0 || p.maintenanceMarginBps() > p.initialMarginBps()
                || p.initialMarginBps() > BPS) {
            throw reject(RejectCode.INVALID_MARKET, "need 0 < maintenanceMarginBps <= initialMarginBps <= 10000");
        }
        if (p.maxOpenOrders() < 1 || p.maxOpenOrders() > MarketParams.MAX_OPEN_ORDERS_LIMIT) {
            throw reject(RejectCode.INVALID_MARKET, "maxOpenOrders must be 1 to " + MarketParams.MAX_OPEN_ORDERS_LIMIT);
        }
        if (markets.containsKey(p.marketId()) || state.get(new StateKey.Market(p.marketId())) != null) {
            throw reject(RejectCode.MARKET_EXISTS, "market " + p.marketId() + " exists");
        }
        state.put(new StateKey.Market(p.marketId()), p);
        state.put(new StateKey.MarketStats(p.marketId()), MarketStatsRecord.EMPTY);
        ctx.newMarket = p;
        return new TxResult(c, null, 0, 0, null, 0, List.of());
    }

    private TxResult deposit(TxContext ctx, Tx.Deposit d) {
        if (d.amount() <= 0) {
            throw reject(RejectCode.INVALID_AMOUNT, "deposit amount must be positive");
        }
        AccountRecord acct = findAccount(d.account());
        if (acct == null) {
            acct = createAccount(d.account());
        }
        checkNonce(acct, d.nonce());
        AccountRecord before = acct;
        long collateral = exact(() -> Math.addExact(before.collateral(), d.amount()), "deposit overflows the balance");
        AccountRecord updated = withNonce(acct, d.nonce()).withCollateral(collateral);
        checkHeadroom(marginTerms(updated, null), "deposit");
        putAccount(ctx, updated);
        return new TxResult(d, null, acct.accountId(), 0, null, 0, List.of());
    }

    private TxResult withdraw(TxContext ctx, Tx.Withdraw w) {
        if (w.amount() <= 0) {
            throw reject(RejectCode.INVALID_AMOUNT, "withdraw amount must be positive");
        }
        AccountRecord acct = requireAccount(w.account());
        checkNonce(acct, w.nonce());
        if (acct.collateral() < w.amount()) {
            throw reject(RejectCode.INSUFFICIENT_BALANCE,
                    "collateral " + acct.collateral() + " is less than the withdrawal " + w.amount());
        }
        AccountRecord after = acct.withCollateral(acct.collateral() - w.amount());
        checkMargin(after, null, "withdrawal");
        putAccount(ctx, withNonce(after, w.nonce()));
        return new TxResult(w, null, acct.accountId(), 0, null, 0, List.of());
    }

    private TxResult place(TxContext ctx, Tx.Place p) {
        MarketBook market = requireMarket(p.market());
        AccountRecord acct = requireAccount(p.account());
        checkNonce(acct, p.nonce());
        MarketParams params = market.params;
        checkPrice(params, p.price());
        checkSize(params, p.size(), true);
        long notional = exact(() -> Math.multiplyExact(Math.multiplyExact(p.price(), p.size()), BPS),
                "price × size is too large") / BPS;
        if (p.clientOrderId() != null) {
            if (p.clientOrderId().isEmpty() || p.clientOrderId().length() > MAX_CLIENT_ORDER_ID) {
                throw reject(RejectCode.MALFORMED, "clientOrderId must be 1 to " + MAX_CLIENT_ORDER_ID + " characters");
            }
            if (!wellFormed(p.clientOrderId())) {
                throw reject(RejectCode.MALFORMED, "clientOrderId must be well-formed Unicode (no unpaired surrogate)");
            }
            if (accountOrders.byClientId(acct.accountId(), p.clientOrderId()) != null) {
                throw reject(RejectCode.DUPLICATE_CLIENT_ORDER_ID,
                        "clientOrderId \"" + p.clientOrderId() + "\" is already used by an active order");
            }
        }
        OrderBook book = market.book;
        if (p.tif() == TimeInForce.POST_ONLY && wouldCross(book, p.side(), p.price())) {
            throw reject(RejectCode.POST_ONLY_WOULD_CROSS, "post-only order at " + p.price() + " would take liquidity");
        }
        if (p.tif() == TimeInForce.FOK
                && book.fillableSize(p.side(), p.price(), acct.accountId(), p.stp(), p.size()) < p.size()) {
            throw reject(RejectCode.FOK_NOT_FILLABLE, "fill-or-kill order of " + p.size() + " cannot fill completely");
        }
        checkOpenOrderCap(acct, params, book, p);
        Prospective order = prospective(p.market(), p.side(), p.size(), notional, p.price(), book, params, null);
        checkHeadroom(checkMargin(acct, order, "order"), "order");
        checkFillTotals(params, order, p.size());
        CountersRecord counters = counters();
        long orderId = counters.nextOrderId();
        long seq = counters.nextPrioritySeq();
        state.put(new StateKey.Counters(), new CountersRecord(orderId + 1, seq + 1, counters.nextAccountId(), counters.activeOrders()));
        putAccount(ctx, withNonce(acct, p.nonce()));

        ctx.market = market;
        ctx.newOrder = new long[] {acct.accountId(), orderId};
        ctx.taker = new OrderRecord(orderId, p.market(), acct.accountId(), p.side(), p.price(), p.size(), p.size(), 0,
                p.tif(), p.stp(), OrderStatus.ACTIVE, seq, ctx.block.height, ctx.block.height, p.clientOrderId());
        ctx.bookTouched = true;
        book.place(orderId, acct.accountId(), p.side(), p.price(), p.size(), p.tif() == TimeInForce.POST_ONLY
                ? TimeInForce.GTC : p.tif(), p.stp(), seq);
        return finishTaker(ctx, p, acct.accountId());
    }

    private TxResult cancel(TxContext ctx, Tx.Cancel c) {
        AccountRecord acct = requireAccount(c.account());
        checkNonce(acct, c.nonce());
        OrderRecord order = requireOwnActiveOrder(acct, c.orderId(), c.clientOrderId());
        putAccount(ctx, withNonce(acct, c.nonce()));
        ctx.market = markets.get(order.marketId());
        ctx.bookTouched = true;
        if (!ctx.market.book.cancel(order.orderId())) {
            throw new IllegalStateException("active order " + order.orderId() + " is not in the book");
        }
        OrderRecord after = order(order.orderId());
        return new TxResult(c, null, acct.accountId(), order.orderId(), after.status(), after.remaining(), List.of());
    }

    private TxResult cancelAll(TxContext ctx, Tx.CancelAll c) {
        AccountRecord acct = requireAccount(c.account());
        checkNonce(acct, c.nonce());
        if (c.market() != 0) {
            requireMarket(c.market());
        }
        putAccount(ctx, withNonce(acct, c.nonce()));
        long[] ids = accountOrders.sorted(acct.accountId());
        ctx.bookTouched = true;
        int cancelled = 0;
        for (long id : ids) {
            OrderRecord o = order(id);
            if (c.market() != 0 && o.marketId() != c.market()) {
                continue;
            }
            ctx.market = markets.get(o.marketId());
            if (!ctx.market.book.cancel(id)) {
                throw new IllegalStateException("active order " + id + " is not in the book");
            }
            cancelled++;
        }
        return new TxResult(c, null, acct.accountId(), 0, null, cancelled, List.of());
    }

    private TxResult reduce(TxContext ctx, Tx.Reduce r) {
        AccountRecord acct = requireAccount(r.account());
        checkNonce(acct, r.nonce()); // first, as for every transaction: a replayed reduce is a stale nonce
        OrderRecord order = requireOwnActiveOrder(acct, r.orderId(), r.clientOrderId());
        if (r.size() <= 0 || r.size() >= order.remaining()) {
            throw reject(RejectCode.BAD_SIZE, "reduce needs a positive size below the remaining " + order.remaining() + ", got " + r.size());
        }
        return amend(ctx, new Tx.Amend(r.account(), r.nonce(), order.orderId(), null, order.price(), r.size()), r);
    }

    private TxResult amend(TxContext ctx, Tx.Amend a) {
        return amend(ctx, a, a);
    }

    private TxResult amend(TxContext ctx, Tx.Amend a, Tx original) {
        AccountRecord acct = requireAccount(a.account());
        checkNonce(acct, a.nonce());
        OrderRecord order = requireOwnActiveOrder(acct, a.orderId(), a.clientOrderId());
        MarketBook market = markets.get(order.marketId());
        MarketParams params = market.params;
        long newPrice = a.price() == 0 ? order.price() : a.price();
        long newSize = a.size() == 0 ? order.remaining() : a.size();
        checkPrice(params, newPrice);
        checkSize(params, newSize, false);
        exact(() -> Math.multiplyExact(Math.multiplyExact(newPrice, newSize), BPS), "price × size is too large");
        // The record's size stays what was filled plus what remains: an amend sets the remaining size.
        long totalSize = exact(() -> Math.addExact(order.filled(), newSize), "filled + new size is too large");
        ctx.market = market;
        if (newPrice == order.price() && newSize <= order.remaining()) {
            putAccount(ctx, withNonce(acct, a.nonce()));
            if (newSize < order.remaining()) {
                ctx.bookTouched = true;
                if (!market.book.reduce(order.orderId(), newSize)) {
                    throw new IllegalStateException("active order " + order.orderId() + " could not be reduced");
                }
                long delta = order.remaining() - newSize;
                addExposure(order.accountId(), order.marketId(), order.side(), -delta, -order.price() * delta);
                OrderRecord after = order.withAmend(order.price(), totalSize, newSize, order.prioritySeq(), ctx.block.height);
                state.put(new StateKey.Order(order.orderId()), after);
                state.put(new StateKey.ActiveOrder(order.marketId(), order.orderId()),
                        new ActiveOrderEntry(order.prioritySeq(), newSize));
                ctx.update(after, null);
            }
            return new TxResult(original, null, acct.accountId(), order.orderId(), OrderStatus.ACTIVE, newSize, List.of());
        }
        if (order.tif() == TimeInForce.POST_ONLY && wouldCross(market.book, order.side(), newPrice)) {
            throw reject(RejectCode.POST_ONLY_WOULD_CROSS, "post-only order at " + newPrice + " would take liquidity");
        }
        long oldNotional = order.price() * order.remaining();
        long newNotional = newPrice * newSize;
        boolean buy = order.side() == Side.BUY;
        // Margin with the order's old exposure replaced by the new one.
        PositionRecord pos = position(acct.accountId(), order.marketId());
        PositionRecord swapped = pos.withOpen(pos.openBuySize(), pos.openBuyNotional() - (buy ? oldNotional : 0),
                pos.openSellSize(), pos.openSellNotional() - (buy ? 0 : oldNotional));
        Prospective amended = prospective(order.marketId(), order.side(), newSize, newNotional, newPrice, market.book,
                params, swapped);
        checkHeadroom(checkMargin(acct, amended, "amended order"), "amended order");
        checkFillTotals(params, amended, newSize);
        CountersRecord counters = counters();
        long seq = counters.nextPrioritySeq();
        // The order leaves the book here and counts as resting again only if it rests.
        state.put(new StateKey.Counters(), new CountersRecord(counters.nextOrderId(), seq + 1, counters.nextAccountId(),
                counters.activeOrders() - 1));
        putAccount(ctx, withNonce(acct, a.nonce()));
        addExposure(order.accountId(), order.marketId(), order.side(), -order.remaining(), -oldNotional);
        ctx.taker = order.withAmend(newPrice, totalSize, newSize, seq, ctx.block.height);
        ctx.amending = true;
        ctx.bookTouched = true;
        if (!market.book.amend(order.orderId(), newPrice, newSize, seq, order.stp())) {
            throw new IllegalStateException("active order " + order.orderId() + " could not be amended");
        }
        return finishTaker(ctx, original, acct.accountId());
    }

    private TxResult finishTaker(TxContext ctx, Tx tx, long accountId) {
        OrderRecord taker = ctx.taker;
        state.put(new StateKey.Order(taker.orderId()), taker);
        if (!ctx.takerRested) {
            ctx.update(taker, ctx.takerReason);
        }
        return new TxResult(tx, null, accountId, taker.orderId(), taker.status(), taker.remaining(),
                List.copyOf(ctx.fills));
    }

    // ---------------------------------------------------------------- matching events → state

    /** Turns the book's events into state changes for the transaction in flight. */
    private final class Matcher implements BookListener {
        TxContext ctx;

        @Override
        public void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                           long price, long size, long makerRemaining, long takerRemaining) {
            TxContext c = ctx;
            MarketParams params = c.market.params;
            int marketId = params.marketId();
            long notional = Math.multiplyExact(price, size);
            long makerFee = feeOf(notional, params.makerFeeBps());
            long takerFee = feeOf(notional, params.takerFeeBps());
            OrderRecord maker = order(makerId).withFill(size, c.block.height);
            if (maker.remaining() != makerRemaining) {
                throw new IllegalStateException("order " + makerId + " has remaining " + maker.remaining()
                        + " in state but " + makerRemaining + " in the book");
            }
            state.put(new StateKey.Order(makerId), maker);
            addExposure(makerOwner, marketId, maker.side(), -size, -notional);
            trade(c, makerOwner, marketId, takerSide.opposite(), price, size, makerFee);
            trade(c, takerOwner, marketId, takerSide, price, size, takerFee);
            c.taker = c.taker.withFill(size, c.block.height);
            MarketStatsRecord stats = stats(marketId);
            state.put(new StateKey.MarketStats(marketId), new MarketStatsRecord(price,
                    Math.addExact(stats.volume(), size), stats.tradeCount() + 1));
            Fill fill = new Fill(marketId, makerId, makerOwner, takerId, takerOwner, takerSide, price, size, makerFee, takerFee);
            c.fills.add(fill);
            if (maker.remaining() > 0) {
                state.put(new StateKey.ActiveOrder(marketId, makerId), new ActiveOrderEntry(maker.prioritySeq(), maker.remaining()));
                c.update(maker, null);
            }
        }

        @Override
        public void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
            TxContext c = ctx;
            OrderRecord taker = c.taker;
            if (orderId != taker.orderId() || remaining != taker.remaining() || prioritySeq != taker.prioritySeq()) {
                throw new IllegalStateException("book rested order " + orderId + " that is not the order in flight");
            }
            c.takerRested = true;
            adjustActiveOrders(1);
            state.put(new StateKey.ActiveOrder(taker.marketId(), orderId), new ActiveOrderEntry(prioritySeq, remaining));
            addExposure(owner, taker.marketId(), side, remaining, Math.multiplyExact(price, remaining));
            indexActive(taker);
            c.update(taker, null);
        }

        @Override
        public void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining) {
            TxContext c = ctx;
            String why = reason == BookReason.NONE ? null : reason.name().toLowerCase(Locale.ROOT);
            if (c.taker != null && orderId == c.taker.orderId()) {
                if (status == DoneStatus.REJECTED) {
                    throw new IllegalStateException("book rejected validated order " + orderId + ": " + reason);
                }
                c.taker = c.taker.withStatus(status == DoneStatus.FILLED ? OrderStatus.FILLED : OrderStatus.CANCELLED,
                        c.block.height);
                c.takerReason = why;
                if (c.amending) {
                    state.delete(new StateKey.ActiveOrder(c.taker.marketId(), orderId));
                    unindexActive(c.taker);
                }
                return;
            }
            OrderRecord o = order(orderId);
            if (status == DoneStatus.CANCELLED) {
                addExposure(owner, o.marketId(), o.side(), -o.remaining(), -Math.multiplyExact(o.price(), o.remaining()));
                o = o.withStatus(OrderStatus.CANCELLED, c.block.height);
                state.put(new StateKey.Order(orderId), o);
            } else if (status != DoneStatus.FILLED || o.status() != OrderStatus.FILLED) {
                throw new IllegalStateException("resting order " + orderId + " ended as " + status + " but is " + o.status());
            }
            state.delete(new StateKey.ActiveOrder(o.marketId(), orderId));
            adjustActiveOrders(-1);
            unindexActive(o);
            c.update(o, why);
        }
    }

    /** Applies one side of a trade to an account: position, realized PnL, collateral, fee. */
    private void trade(TxContext ctx, long accountId, int marketId, Side side, long price, long size, long fee) {
        AccountRecord acct = account(accountId);
        PositionRecord pos = position(accountId, marketId);
        long s = pos.size();
        long e = pos.entryNotional();
        long d = side == Side.BUY ? size : -size;
        long realized = 0;
        if (s == 0 || Long.signum(s) == Long.signum(d)) {
            s = Math.addExact(s, d);
            e = Math.addExact(e, Math.multiplyExact(d, price));
        } else {
            long closed = Math.min(Math.abs(s), size);
            long removed = proportion(e, closed, Math.abs(s));
            long cash = Math.multiplyExact(closed, price);
            realized = (d > 0 ? -cash : cash) - removed;
            e -= removed;
            s += d > 0 ? closed : -closed;
            long opened = size - closed;
            if (opened > 0) {
                long signed = d > 0 ? opened : -opened;
                s += signed;
                e = Math.addExact(e, Math.multiplyExact(signed, price));
            }
        }
        state.put(new StateKey.Position(accountId, marketId), new PositionRecord(s, e,
                Math.addExact(pos.realizedPnl(), realized), pos.openBuySize(), pos.openBuyNotional(),
                pos.openSellSize(), pos.openSellNotional()));
        AccountRecord after = acct.withMarket(marketId)
                .withCollateral(Math.subtractExact(Math.addExact(acct.collateral(), realized), fee));
        putAccount(ctx, after);
        if (fee > 0) {
            AccountRecord fees = feeAccount();
            putAccount(ctx, fees.withCollateral(Math.addExact(fees.collateral(), fee)));
        }
    }

    /** e × part / whole, truncated toward zero, without overflow. */
    private static long proportion(long e, long part, long whole) {
        if (part == whole) {
            return e;
        }
        long hi = Math.multiplyHigh(e, part);
        long lo = e * part;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo / whole;
        }
        return BigInteger.valueOf(e).multiply(BigInteger.valueOf(part)).divide(BigInteger.valueOf(whole)).longValueExact();
    }

    /** ⌈notional × bps / 10 000⌉, computed in two parts so that it cannot overflow for bps ≤ 10 000. */
    private static long feeOf(long notional, int bps) {
        if (bps == 0) {
            return 0;
        }
        return notional / BPS * bps + Math.ceilDiv(notional % BPS * bps, BPS);
    }

    private void addExposure(long accountId, int marketId, Side side, long size, long notional) {
        PositionRecord p = position(accountId, marketId);
        PositionRecord q = side == Side.BUY
                ? p.withOpen(p.openBuySize() + size, p.openBuyNotional() + notional, p.openSellSize(), p.openSellNotional())
                : p.withOpen(p.openBuySize(), p.openBuyNotional(), p.openSellSize() + size, p.openSellNotional() + notional);
        if (q.openBuySize() < 0 || q.openSellSize() < 0 || q.openBuyNotional() < 0 || q.openSellNotional() < 0) {
            throw new IllegalStateException("open-order exposure of account " + accountId + " in market " + marketId
                    + " went negative");
        }
        state.put(new StateKey.Position(accountId, marketId), q);
        AccountRecord acct = account(accountId);
        if (!acct.hasMarket(marketId)) {
            state.put(new StateKey.Account(accountId), acct.withMarket(marketId));
        }
    }

    // ---------------------------------------------------------------- margin

    /**
     * An order about to be added, for a margin check: its notional on one side of {@code market},
     * its limit price (a taker moves that market's mark at most to it), the largest taker fee it
     * can pay, and optionally the market's position record to use instead of the stored one. An
     * order that does not cross the book trades nothing as it is placed: limit price, best opposite
     * price and fee are then 0, and the check is the plain one at the last trade price.
     */
    private record Prospective(int market, long buyNotional, long sellNotional, long limitPrice, long bestOpposite,
                               long maxFee, PositionRecord position) {
    }

    /**
     * The prospective terms of an order of {@code size} and {@code notional} at {@code price} about to
     * meet {@code book}. A buy fills at or below its limit, but a sell fills at the bids' prices, up to
     * the best bid: a crossing sell counts as worth {@code size} × that bid (its fills, and its fee, can
     * be that much), else an order limited far below the bid would need almost no margin.
     */
    private static Prospective prospective(int market, Side side, long size, long notional, long price, OrderBook book,
                                           MarketParams params, PositionRecord position) {
        boolean takes = wouldCross(book, side, price);
        long best = takes ? bestOpposite(book, side) : 0;
        long worth = side == Side.SELL && best > price
                ? exact(() -> Math.multiplyExact(size, best), "size × the best bid is too large") : notional;
        return new Prospective(market, side == Side.BUY ? worth : 0, side == Side.SELL ? worth : 0,
                takes ? price : 0, best, takes ? feeOf(worth, params.takerFeeBps()) : 0, position);
    }

    /**
     * Refuses what could let a fill overflow the account's records. A fill never raises
     * |collateral| + Σ over its markets of (|realized PnL| + 2 |entry notional| + 3 × open-order
     * notional): it spends 3 × its notional of the open term (a taker: of the order's worth), more
     * than its cash, fee (at most 100 %) and PnL can add. So if that sum ({@link MarginTerms#headroom},
     * over the positions a margin check read) fits in a long whenever an order is accepted or a
     * deposit credited, no later fill, as maker or taker, can overflow the account's collateral,
     * size, entry notional or realized PnL.
     */
    private void checkHeadroom(MarginTerms terms, String what) {
        try {
            terms.headroom();
        } catch (ArithmeticException e) {
            throw reject(RejectCode.OVERFLOW, what + " would let the account's balance, position or PnL overflow");
        }
    }

    /**
     * For an order that will trade: the market's volume grows by at most its size, and the fee
     * account by at most both fees on its worth plus one atom per side per fill for rounding (a fill
     * is at least one lot). Either overflowing refuses the order.
     */
    private void checkFillTotals(MarketParams params, Prospective order, long size) {
        if (order.limitPrice == 0) {
            return;
        }
        exact(() -> Math.addExact(stats(params.marketId()).volume(), size), "the market's traded volume would overflow");
        if (params.makerFeeBps() > 0 || params.takerFeeBps() > 0) {
            AccountRecord fees = account(FEE_ACCOUNT_ID);
            long worth = order.buyNotional + order.sellNotional;
            exact(() -> Math.addExact(fees == null ? 0 : fees.collateral(), Math.addExact(
                    Math.addExact(feeOf(worth, params.makerFeeBps()), feeOf(worth, params.takerFeeBps())),
                    Math.multiplyExact(2, size / params.lotSize()))), "the fee account's balance would overflow");
        }
    }

    /**
     * Equity (collateral + unrealized PnL at each market's last trade price, less the order's
     * largest fee) must cover the initial margin on |position| × mark plus the notional of open
     * orders including {@code order}. For an order the check holds at the current mark, at the
     * best opposite price and at its limit price: equity − margin is linear in the mark, and a
     * taker's fills leave the mark at the current one or between the best opposite price and its
     * limit, so an accepted order never leaves its account below margin. The inequality is decided
     * exactly ({@link MarginTerms}), never refused as overflow: a mark set by one trade at an
     * extreme price must not lock every large holder of the market out. Returns the terms it
     * read, for {@link #checkHeadroom(MarginTerms, String)}.
     */
    private MarginTerms checkMargin(AccountRecord acct, Prospective order, String what) {
        MarginTerms terms = marginTerms(acct, order);
        boolean covered = terms.covers(0);
        if (covered && order != null && order.limitPrice > 0) {
            covered = terms.covers(order.limitPrice);
            if (covered && order.bestOpposite > 0) {
                covered = terms.covers(order.bestOpposite);
            }
        }
        if (!covered) {
            throw reject(RejectCode.INSUFFICIENT_MARGIN, what + " needs initial margin " + terms.required()
                    + " but the account's equity is " + terms.equity());
        }
        return terms;
    }

    /** Reads the terms of {@link MarginTerms}: positions, marks and margin rates of the account's markets. */
    private MarginTerms marginTerms(AccountRecord acct, Prospective order) {
        int[] ids = order == null || acct.hasMarket(order.market) ? acct.markets() : acct.withMarket(order.market).markets();
        PositionRecord[] positions = new PositionRecord[ids.length];
        long[] marks = new long[ids.length];
        int[] rates = new int[ids.length];
        int ordered = -1;
        for (int i = 0; i < ids.length; i++) {
            int marketId = ids[i];
            marks[i] = stats(marketId).lastPrice();
            rates[i] = markets.get(marketId).params.initialMarginBps();
            if (order != null && marketId == order.market) {
                ordered = i;
                positions[i] = order.position != null ? order.position : position(acct.accountId(), marketId);
            } else {
                positions[i] = position(acct.accountId(), marketId);
            }
        }
        return order == null
                ? new MarginTerms(acct.collateral(), positions, marks, rates, -1, 0, 0)
                : new MarginTerms(acct.collateral(), positions, marks, rates, ordered,
                        order.buyNotional + order.sellNotional, order.maxFee);
    }

    // ---------------------------------------------------------------- validation helpers

    /** The best price on the side a taker of {@code side} would hit, or 0 if that side is empty. */
    private static long bestOpposite(OrderBook book, Side side) {
        if (side == Side.BUY) {
            return book.bestAsk() == Long.MAX_VALUE ? 0 : book.bestAsk();
        }
        return book.bestBid() == Long.MIN_VALUE ? 0 : book.bestBid();
    }

    private static boolean wouldCross(OrderBook book, Side side, long price) {
        return side == Side.BUY ? price >= book.bestAsk() : price <= book.bestBid();
    }

    private static void checkPrice(MarketParams params, long price) {
        if (price <= 0) {
            throw reject(RejectCode.BAD_PRICE, "price must be positive, got " + price);
        }
        if (price % params.tickSize() != 0) {
            throw reject(RejectCode.BAD_TICK, "price " + price + " is not a multiple of the tick size " + params.tickSize());
        }
    }

    private static void checkSize(MarketParams params, long size, boolean placement) {
        if (size <= 0) {
            throw reject(RejectCode.BAD_SIZE, "size must be positive, got " + size);
        }
        if (size % params.lotSize() != 0) {
            throw reject(RejectCode.BAD_LOT, "size " + size + " is not a multiple of the lot size " + params.lotSize());
        }
        if (placement && size < params.minSize()) {
            throw reject(RejectCode.SIZE_TOO_SMALL, "size " + size + " is below the minimum " + params.minSize());
        }
    }

    /**
     * Whether {@code s} has no unpaired surrogate. Records store strings as UTF-8, which turns one
     * into '?': the id in memory would differ from the one in state (and in the stored block), so
     * a node that restarted would judge the next transactions naming it differently.
     */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The per-market cap on an account's resting orders ({@link MarketParams#maxOpenOrders}). IOC
     * and FOK orders never rest, so they pass. At the cap, a GTC or post-only order is refused up
     * front unless it would fill completely on entry (the test a FOK passes): one whose remainder
     * would rest is refused whole, not partly filled, so a refusal changes nothing. The count comes
     * from the account order index, derived from state: no state read per order.
     */
    private void checkOpenOrderCap(AccountRecord acct, MarketParams params, OrderBook book, Tx.Place p) {
        if (p.tif() == TimeInForce.IOC || p.tif() == TimeInForce.FOK) {
            return;
        }
        int open = accountOrders.openOrders(acct.accountId(), params.marketId());
        if (open < params.maxOpenOrders()) {
            return;
        }
        if (p.tif() == TimeInForce.GTC
                && book.fillableSize(p.side(), p.price(), acct.accountId(), p.stp(), p.size()) >= p.size()) {
            return;
        }
        throw reject(RejectCode.TOO_MANY_ORDERS, "the account has " + open + " orders resting in market "
                + params.marketId() + ", the most it allows (" + params.maxOpenOrders()
                + "); only an order that fills completely on entry, IOC or FOK is accepted until one leaves the book");
    }

    /** How many of the account's active orders rest in the market (derived from state). */
    int openOrders(long accountId, int marketId) {
        return accountOrders.openOrders(accountId, marketId);
    }

    private void checkNonce(AccountRecord acct, long nonce) {
        if (nonce != 0 && nonce <= acct.lastNonce()) {
            throw reject(RejectCode.STALE_NONCE, "nonce " + nonce + " is not above the account's last nonce " + acct.lastNonce());
        }
    }

    private static AccountRecord withNonce(AccountRecord acct, long nonce) {
        return nonce == 0 ? acct : acct.withNonce(nonce);
    }

    private OrderRecord requireOwnActiveOrder(AccountRecord acct, long orderId, String clientOrderId) {
        long id = orderId;
        if (id == 0) {
            Long byClient = accountOrders.byClientId(acct.accountId(), clientOrderId);
            if (byClient == null) {
                throw reject(RejectCode.UNKNOWN_ORDER, "no active order with clientOrderId \"" + clientOrderId + "\"");
            }
            id = byClient;
        }
        OrderRecord o = order(id);
        if (o == null) {
            throw reject(RejectCode.UNKNOWN_ORDER, "order " + id + " does not exist");
        }
        if (o.accountId() != acct.accountId()) {
            throw reject(RejectCode.NOT_OWNER, "order " + id + " belongs to another account");
        }
        if (!o.isActive()) {
            throw reject(RejectCode.ORDER_NOT_ACTIVE, "order " + id + " is " + o.status().jsonName());
        }
        return o;
    }

    private MarketBook requireMarket(int marketId) {
        MarketBook m = markets.get(marketId);
        if (m == null) {
            throw reject(RejectCode.UNKNOWN_MARKET, "market " + marketId + " does not exist");
        }
        return m;
    }

    private AccountRecord requireAccount(String name) {
        AccountRecord acct = findAccount(name);
        if (acct == null) {
            throw reject(RejectCode.UNKNOWN_ACCOUNT, "account \"" + name + "\" does not exist (deposit first)");
        }
        return acct;
    }

    private AccountRecord createAccount(String name) {
        if (name == null || !ACCOUNT_NAME.matcher(name).matches()) {
            throw reject(RejectCode.MALFORMED, "account names are 1 to 64 of [A-Za-z0-9_.-]");
        }
        if (PUBLIC_KEY_NOT_LOWER_CASE.matcher(name).matches()) {
            throw reject(RejectCode.MALFORMED, "a name of 64 hex digits is a public key and must be written in lower case");
        }
        CountersRecord c = counters();
        long id = c.nextAccountId();
        state.put(new StateKey.Counters(), new CountersRecord(c.nextOrderId(), c.nextPrioritySeq(), id + 1, c.activeOrders()));
        state.put(new StateKey.AccountName(name), new AccountIdValue(id));
        AccountRecord acct = new AccountRecord(id, name, 0, 0, new int[0]);
        state.put(new StateKey.Account(id), acct);
        return acct;
    }

    private static RejectedException reject(RejectCode code, String message) {
        return new RejectedException(code, message);
    }

    private static <T> T exact(java.util.function.Supplier<T> f, String message) {
        try {
            return f.get();
        } catch (ArithmeticException e) {
            throw reject(RejectCode.OVERFLOW, message);
        }
    }

    // ---------------------------------------------------------------- state access

    private void putAccount(TxContext ctx, AccountRecord acct) {
        StateKey.Account key = new StateKey.Account(acct.accountId());
        // An unchanged account (a place without a nonce) is not rewritten: every write costs a tree update.
        if (!acct.equals(state.get(key))) {
            state.put(key, acct);
            ctx.touched.add(acct.accountId());
        }
    }

    private AccountRecord feeAccount() {
        AccountRecord fees = account(FEE_ACCOUNT_ID);
        if (fees == null) {
            fees = new AccountRecord(FEE_ACCOUNT_ID, FEE_ACCOUNT_NAME, 0, 0, new int[0]);
            state.put(new StateKey.AccountName(FEE_ACCOUNT_NAME), new AccountIdValue(FEE_ACCOUNT_ID));
        }
        return fees;
    }

    AccountRecord findAccount(String name) {
        if (name == null) {
            return null;
        }
        AccountIdValue id = (AccountIdValue) state.get(new StateKey.AccountName(name));
        return id == null ? null : account(id.accountId());
    }

    AccountRecord account(long accountId) {
        return (AccountRecord) state.get(new StateKey.Account(accountId));
    }

    PositionRecord position(long accountId, int marketId) {
        PositionRecord p = (PositionRecord) state.get(new StateKey.Position(accountId, marketId));
        return p == null ? PositionRecord.EMPTY : p;
    }

    OrderRecord order(long orderId) {
        return (OrderRecord) state.get(new StateKey.Order(orderId));
    }

    MarketStatsRecord stats(int marketId) {
        MarketStatsRecord s = (MarketStatsRecord) state.get(new StateKey.MarketStats(marketId));
        return s == null ? MarketStatsRecord.EMPTY : s;
    }

    private void adjustActiveOrders(int delta) {
        CountersRecord c = counters();
        state.put(new StateKey.Counters(), c.withActiveOrders(c.activeOrders() + delta));
    }

    CountersRecord counters() {
        CountersRecord c = (CountersRecord) state.get(new StateKey.Counters());
        return c == null ? CountersRecord.INITIAL : c;
    }

    private void indexActive(OrderRecord o) {
        accountOrders.add(o.accountId(), o.marketId(), o.orderId(), o.clientOrderId());
    }

    private void unindexActive(OrderRecord o) {
        accountOrders.remove(o.accountId(), o.marketId(), o.orderId(), o.clientOrderId());
    }

    // ---------------------------------------------------------------- per-block and per-tx context

    private final class BlockContext {
        final long height;
        final List<Fill> fills = new ArrayList<>();
        final List<OrderUpdate> orderUpdates = new ArrayList<>();
        final TreeSet<Long> touched = new TreeSet<>();
        final List<long[]> newOrders = new ArrayList<>();

        BlockContext(long height) {
            this.height = height;
        }

        void accept(TxContext ctx) {
            fills.addAll(ctx.fills);
            orderUpdates.addAll(ctx.updates);
            touched.addAll(ctx.touched);
            if (ctx.newOrder != null) {
                newOrders.add(ctx.newOrder);
            }
            if (ctx.newMarket != null) {
                markets.put(ctx.newMarket.marketId(), new MarketBook(ctx.newMarket, newBook()));
            }
        }

        List<BalanceChange> balances(Engine engine) {
            List<BalanceChange> out = new ArrayList<>(touched.size());
            for (long id : touched) {
                AccountRecord a = engine.account(id);
                out.add(new BalanceChange(id, a.name(), a.collateral()));
            }
            return out;
        }
    }

    private final class TxContext {
        final BlockContext block;
        final List<Fill> fills = new ArrayList<>();
        final List<OrderUpdate> updates = new ArrayList<>();
        final TreeSet<Long> touched = new TreeSet<>();
        MarketBook market;
        OrderRecord taker;
        String takerReason;
        boolean takerRested;
        boolean amending;
        boolean bookTouched;
        MarketParams newMarket;
        long[] newOrder;

        TxContext(BlockContext block) {
            this.block = block;
            matcher.ctx = this;
        }

        void update(OrderRecord o, String reason) {
            updates.add(new OrderUpdate(o.marketId(), o.orderId(), o.accountId(), o.side(), o.price(), o.status(),
                    o.remaining(), o.filled(), reason));
        }
    }

    private OrderBook newBook() {
        return new OrderBook(matcher, config.expectedOrdersPerMarket());
    }

    /** A market's parameters and its in-memory book. */
    static final class MarketBook {
        final MarketParams params;
        final OrderBook book;

        MarketBook(MarketParams params, OrderBook book) {
            this.params = params;
            this.book = book;
        }
    }

    // ---------------------------------------------------------------- recovery and queries

    /**
     * Clears the books and rebuilds them from the committed state, repairing and reporting any
     * inconsistency between the ActiveOrder index and the order records (see {@link OrderbookRecovery}).
     */
    public RecoveryReport rebuildOrderbookFromState() {
        return recover(RecoveryOptions.fromState());
    }

    /** Recovers the books as {@code options} say: from a warm snapshot if usable, else from state. */
    public RecoveryReport recover(RecoveryOptions options) {
        checkRunning();
        return OrderbookRecovery.recover(this, options);
    }

    /**
     * Empties the books, caches and derived maps, and reloads the markets from committed state. A
     * market whose parameters are unchanged keeps its (cleared) book; new books are allocated in
     * parallel, as pre-sizing a hundred of them is a few hundred MB to zero.
     */
    void resetForRecovery() {
        state.reset();
        accountOrders.clear();
        List<MarketParams> params = new ArrayList<>();
        store.scanPrefix(new byte[] {StateKey.TAG_MARKET}, (k, v) -> params.add(MarketParams.decode(v)));
        Map<Integer, MarketBook> old = new TreeMap<>(markets);
        List<MarketBook> books = params.parallelStream().map(p -> {
            MarketBook kept = old.get(p.marketId());
            if (kept != null && kept.params.equals(p)) {
                kept.book.clear();
                return kept;
            }
            return new MarketBook(p, newBook());
        }).toList();
        markets.clear();
        for (MarketBook b : books) {
            markets.put(b.params.marketId(), b);
        }
    }

    /** Ids of all markets, ascending. */
    public List<Integer> marketIds() {
        return List.copyOf(markets.keySet());
    }

    /** Puts recovered orders into one market's book; markets may be installed in parallel. */
    void installRestored(int marketId, List<RestingOrder> orders) {
        OrderBook book = markets.get(marketId).book;
        for (RestingOrder o : orders) {
            book.restore(o.orderId(), o.accountId(), o.side(), o.price(), o.remaining(), o.prioritySeq());
        }
    }

    /** Adds recovered orders (per market) to the per-account maps, which recovery has emptied. */
    void indexRestored(List<List<RestingOrder>> orders) {
        accountOrders.addAll(orders);
    }

    /** The client order id of an active order, or null. */
    String clientOrderIdOf(long orderId) {
        return accountOrders.clientIdOf(orderId);
    }

    /**
     * Commits the repairs recovery found as the next block (no transactions; its record lists the
     * repairs by kind), recomputing the open-order exposure of every account a repair touched from
     * the orders that will rest. Returns the block's height.
     */
    long commitRepairBlock(RepairPlan plan, Map<Integer, List<RestingOrder>> resting, RecoveryReport found) {
        long height = store.latestVersion() + 1;
        BlockHeader last = store.latestVersion() >= 0 ? BlockRecords.header(store, store.latestVersion()) : null;
        long time = last == null ? 0 : last.time();
        for (RepairPlan.EntryDelete d : plan.deletes) {
            state.delete(new StateKey.ActiveOrder(d.marketId(), d.orderId()));
        }
        for (RepairPlan.EntryPut p : plan.puts) {
            state.put(new StateKey.ActiveOrder(p.marketId(), p.orderId()), p.entry());
        }
        for (OrderRecord o : plan.orders) {
            state.put(new StateKey.Order(o.orderId()), o.withStatus(o.status(), height));
        }
        List<RepairPlan.AccountMarket> touched = plan.touched.stream()
                .sorted(java.util.Comparator.comparingLong(RepairPlan.AccountMarket::accountId)
                        .thenComparingInt(RepairPlan.AccountMarket::marketId)).toList();
        for (RepairPlan.AccountMarket am : touched) {
            long[] open = new long[4];
            for (RestingOrder o : resting.getOrDefault(am.marketId(), List.of())) {
                if (o.accountId() == am.accountId()) {
                    int at = o.side() == Side.BUY ? 0 : 2;
                    open[at] += o.remaining();
                    open[at + 1] = Math.addExact(open[at + 1], Math.multiplyExact(o.price(), o.remaining()));
                }
            }
            PositionRecord p = position(am.accountId(), am.marketId());
            state.put(new StateKey.Position(am.accountId(), am.marketId()), p.withOpen(open[0], open[1], open[2], open[3]));
            AccountRecord acct = account(am.accountId());
            if (acct != null && !acct.hasMarket(am.marketId())) {
                state.put(new StateKey.Account(am.accountId()), acct.withMarket(am.marketId()));
            }
        }
        long total = 0;
        for (List<RestingOrder> orders : resting.values()) {
            total += orders.size();
        }
        state.put(new StateKey.Counters(), counters().withActiveOrders(total));
        state.commitTx();
        try {
            store.commit(height, state.toWriteSet(), BlockRecords.repairExtras(height, time, found));
            state.blockCommitted();
        } catch (RuntimeException e) {
            throw halt("commit of repair block " + height + " failed", e);
        }
        return height;
    }

    /**
     * The health check: every book equals its ActiveOrder index (count and digest of id,
     * remaining, priority) and the books hold as many orders as state counts as resting (fewer
     * would mean an Active order lost its index entry). Null when consistent, else what differs.
     * Call between blocks, on the engine's thread.
     */
    public String consistencyProblem() {
        String mismatch = OrderbookRecovery.verify(this);
        if (mismatch != null) {
            return mismatch;
        }
        long booked = 0;
        for (MarketBook m : markets.values()) {
            booked += m.book.orderCount();
        }
        long counted = counters().activeOrders();
        if (booked != counted) {
            return "books hold " + booked + " orders but state counts " + counted
                    + " resting (an Active order may have lost its index entry)";
        }
        return null;
    }

    /** Market parameters, by id. */
    public List<MarketParams> markets() {
        List<MarketParams> out = new ArrayList<>(markets.size());
        markets.values().forEach(m -> out.add(m.params));
        return out;
    }

    /** A market's in-memory book, or null. For queries and recovery checks; do not mutate. */
    public OrderBook book(int marketId) {
        MarketBook m = markets.get(marketId);
        return m == null ? null : m.book;
    }

    /** Aggregated depth of a market, best first on each side, at the committed height; null for an unknown market. */
    public Depth depth(int marketId, int levels) {
        MarketBook m = markets.get(marketId);
        if (m == null) {
            return null;
        }
        return new Depth(marketId, store.latestVersion(), m.book.depthLevels(Side.BUY, levels),
                m.book.depthLevels(Side.SELL, levels));
    }

    // ---------------------------------------------------------------- lifecycle

    private void checkRunning() {
        if (halted != null) {
            throw halted;
        }
    }

    private synchronized EngineHaltedException halt(String message, Throwable cause) {
        if (halted != null) {
            return halted; // the first cause stays the reason
        }
        EngineHaltedException e = new EngineHaltedException(message + ": " + cause.getMessage(), cause);
        halted = e;
        return e;
    }

    public boolean isHalted() {
        return halted != null;
    }
}
