package io.dexnode.engine.risk;

import java.util.Arrays;

/** Every market's mark at one moment of the risk pass, by market id (ascending). */
final class Marks {
    final int[] marketIds;
    final long[] marks;

    private Marks(int[] marketIds, long[] marks) {
        this.marketIds = marketIds;
        this.marks = marks;
    }

    static Marks read(RiskLedger ledger, int[] marketIds) {
        long[] marks = new long[marketIds.length];
        for (int i = 0; i < marketIds.length; i++) {
            marks[i] = ledger.liveMark(marketIds[i]);
        }
        return new Marks(marketIds, marks);
    }

    long of(int marketId) {
        int at = Arrays.binarySearch(marketIds, marketId);
        if (at < 0) {
            throw new IllegalStateException("no mark for market " + marketId);
        }
        return marks[at];
    }

    boolean sameAs(Marks other) {
        return Arrays.equals(marketIds, other.marketIds) && Arrays.equals(marks, other.marks);
    }
}
