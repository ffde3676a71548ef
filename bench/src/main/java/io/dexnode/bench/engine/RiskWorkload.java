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
 * The risk side of the engine benchmark: many accounts holding positions, and the oracle's index
 * moving a tick at a time. The holders trade in a market of their own ({@code HOLD}, 6 % initial
 * and 5 % maintenance margin), each long {@link #HOLDING} units bought at {@link #START} from the
 * market maker, with collateral spread so that their liquidation prices spread over about twenty
 * thousand ticks (from 98 947 down to 77 895: leverage from 16.7 to 3.8). The maker then bids deep at 98 000 and offers at 101 000, and the index is
 * moved into the band of liquidation prices (untimed), which liquidates the holders above it
 * against the maker's bid: the survivors nearest the index are then within a few ticks of their
 * triggers, so each tick the index moves against them examines some of them, and liquidates
 * some (about five a tick with 100 000 holders). Every market starts with an index at {@link #START}. In the flow's blocks the
 * holders' index goes up and down a tick in turn; {@link #fallingIndexMoves} takes it down a tick
 * a block.
 */
public final class RiskWorkload {
    public static final long START = 100_000;
    /** Where the setup leaves the holders' index: inside the band of their liquidation prices. */
    public static final long BAND = 98_700;
    static final long HOLDING = 10;
    private static final String MAKER = "mm";
    private static final String ORACLE = "oracle";

    private final int markets;
    private final int holdersMarket;
    private final int holders;
    private final long[] index;
    private final SplittableRandom rnd;

    /** Flow markets 1..{@code markets} and the holders' market after them. */
    public RiskWorkload(long seed, int markets, int holders) {
        this.markets = markets;
        this.holdersMarket = markets + 1;
        this.holders = holders;
        this.index = new long[markets + 2];
        java.util.Arrays.fill(index, START);
        this.rnd = new SplittableRandom(seed * 7 + 3);
    }

    public static String holder(int i) {
        return "holder" + i;
    }

    /** What block 1 adds to the flow's genesis: the holders' market, the maker's money, an index for every market. */
    public List<Tx> genesis() {
        List<Tx> txs = new ArrayList<>();
        txs.add(new Tx.CreateMarket(null, 0, new MarketParams(holdersMarket, "HOLD", 1, 1, 1, 0, 0, 600, 500,
                MarketParams.MAX_OPEN_ORDERS_LIMIT)));
        txs.add(new Tx.Deposit(MAKER, 0, 1_000_000_000_000_000L));
        for (int m = 1; m <= holdersMarket; m++) {
            txs.add(new Tx.SetIndexPrice(ORACLE, 0, m, START));
        }
        return txs;
    }

    /** The untimed blocks that open every holder's position, set the maker's book and move the index into the band. */
    public List<List<Tx>> setup(int blockTxs) {
        List<List<Tx>> blocks = new ArrayList<>();
        List<Tx> block = new ArrayList<>();
        for (int i = 0; i < holders; i++) {
            // 60 000 to 260 000: at least the 6 % of 1 000 000 the position needs, at most about 4 times it
            block.add(new Tx.Deposit(holder(i), 0, 60_000 + (i * 7_919L) % 200_000));
            if (block.size() == blockTxs) {
                blocks.add(block);
                block = new ArrayList<>();
            }
        }
        if (!block.isEmpty()) {
            blocks.add(block);
        }
        int perBlock = Math.max(1, blockTxs - 1);
        for (int first = 0; first < holders; first += perBlock) {
            int n = Math.min(perBlock, holders - first);
            List<Tx> opens = new ArrayList<>(n + 1);
            opens.add(new Tx.Place(MAKER, 0, holdersMarket, Side.SELL, START, HOLDING * n, TimeInForce.GTC, null,
                    SelfTradePrevention.CANCEL_RESTING));
            for (int i = first; i < first + n; i++) {
                opens.add(new Tx.Place(holder(i), 0, holdersMarket, Side.BUY, START, HOLDING, TimeInForce.IOC, null,
                        SelfTradePrevention.CANCEL_RESTING));
            }
            blocks.add(opens);
        }
        blocks.add(List.of(
                new Tx.Place(MAKER, 0, holdersMarket, Side.BUY, 98_000, 10_000_000, TimeInForce.GTC, null,
                        SelfTradePrevention.CANCEL_RESTING),
                new Tx.Place(MAKER, 0, holdersMarket, Side.SELL, 101_000, 10_000_000, TimeInForce.GTC, null,
                        SelfTradePrevention.CANCEL_RESTING)));
        index[holdersMarket] = BAND;
        blocks.add(List.of(new Tx.SetIndexPrice(ORACLE, 0, holdersMarket, BAND)));
        return blocks;
    }

    /**
     * One index price per market, each a tick from its last: the flow's markets up or down at
     * random; the holders' market up and down in turn, so that it stays at the level the setup
     * left and liquidates no one (a liquidation's orders would take ids the flow's cancels expect).
     */
    public List<Tx> indexMoves() {
        List<Tx> txs = new ArrayList<>(holdersMarket);
        for (int m = 1; m < holdersMarket; m++) {
            index[m] += rnd.nextBoolean() ? 1 : -1;
            txs.add(new Tx.SetIndexPrice(ORACLE, 0, m, index[m]));
        }
        index[holdersMarket] += index[holdersMarket] > BAND ? -1 : 1;
        txs.add(new Tx.SetIndexPrice(ORACLE, 0, holdersMarket, index[holdersMarket]));
        return txs;
    }

    /**
     * The holders' index a tick lower than in the block before, every time (the flow's markets as
     * in {@link #indexMoves}): each block reaches holders no block reached before, examines those
     * within a tick of their triggers and liquidates those it puts below maintenance.
     */
    public List<Tx> fallingIndexMoves() {
        List<Tx> txs = new ArrayList<>(holdersMarket);
        for (int m = 1; m < holdersMarket; m++) {
            index[m] += rnd.nextBoolean() ? 1 : -1;
            txs.add(new Tx.SetIndexPrice(ORACLE, 0, m, index[m]));
        }
        index[holdersMarket] = Math.min(index[holdersMarket], BAND) - 1;
        txs.add(new Tx.SetIndexPrice(ORACLE, 0, holdersMarket, index[holdersMarket]));
        return txs;
    }
}
