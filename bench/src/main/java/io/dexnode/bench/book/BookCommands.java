package io.dexnode.bench.book;

import io.dexnode.book.OrderBook;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import java.util.Arrays;

/**
 * A pre-generated stream of order-book commands in parallel primitive arrays, so that replaying
 * it measures the book and not the generator: no objects per command, no decoding. Replaying the
 * same stream on an empty book always produces the same events (the book is deterministic).
 */
public final class BookCommands {
    public static final byte PLACE_GTC = 0;
    public static final byte PLACE_IOC = 1;
    public static final byte CANCEL = 2;
    public static final byte AMEND = 3;
    public static final byte REDUCE = 4;
    public static final byte PLACE_FOK = 5;
    static final int KINDS = 6;

    private static final Side[] SIDES = Side.values();

    private int size;
    private byte[] kind;
    private byte[] side;
    private int[] owner;
    private long[] orderId;
    private long[] price;
    /** Size for places, new remaining for amends and reduces. */
    private long[] quantity;

    BookCommands(int capacity) {
        int cap = Math.max(capacity, 16);
        kind = new byte[cap];
        side = new byte[cap];
        owner = new int[cap];
        orderId = new long[cap];
        price = new long[cap];
        quantity = new long[cap];
    }

    void add(byte k, long id, int ownerId, Side s, long p, long q) {
        if (size == kind.length) {
            int cap = size * 2;
            kind = Arrays.copyOf(kind, cap);
            side = Arrays.copyOf(side, cap);
            owner = Arrays.copyOf(owner, cap);
            orderId = Arrays.copyOf(orderId, cap);
            price = Arrays.copyOf(price, cap);
            quantity = Arrays.copyOf(quantity, cap);
        }
        kind[size] = k;
        side[size] = (byte) s.ordinal();
        owner[size] = ownerId;
        orderId[size] = id;
        price[size] = p;
        quantity[size] = q;
        size++;
    }

    public int size() {
        return size;
    }

    public byte kind(int i) {
        return kind[i];
    }

    /** How many commands of each kind (indexed by the kind constants). */
    public int[] countByKind() {
        int[] counts = new int[KINDS];
        for (int i = 0; i < size; i++) {
            counts[kind[i]]++;
        }
        return counts;
    }

    /**
     * Applies commands [from, to) to the book. Priority sequences are seqBase + index, the same
     * on every replay. Self-trade prevention is the default, cancel-resting.
     */
    public void applyTo(OrderBook book, int from, int to, long seqBase) {
        final byte[] k = kind;
        final byte[] sd = side;
        final int[] ow = owner;
        final long[] id = orderId;
        final long[] p = price;
        final long[] q = quantity;
        for (int i = from; i < to; i++) {
            switch (k[i]) {
                case AMEND -> book.amend(id[i], p[i], q[i], seqBase + i, SelfTradePrevention.CANCEL_RESTING);
                case PLACE_GTC -> book.place(id[i], ow[i], SIDES[sd[i]], p[i], q[i], TimeInForce.GTC,
                        SelfTradePrevention.CANCEL_RESTING, seqBase + i);
                case CANCEL -> book.cancel(id[i]);
                case REDUCE -> book.reduce(id[i], q[i]);
                case PLACE_IOC -> book.place(id[i], ow[i], SIDES[sd[i]], p[i], q[i], TimeInForce.IOC,
                        SelfTradePrevention.CANCEL_RESTING, seqBase + i);
                case PLACE_FOK -> book.place(id[i], ow[i], SIDES[sd[i]], p[i], q[i], TimeInForce.FOK,
                        SelfTradePrevention.CANCEL_RESTING, seqBase + i);
                default -> throw new IllegalStateException("unknown command kind " + k[i]);
            }
        }
    }
}
