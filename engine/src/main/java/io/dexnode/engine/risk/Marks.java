package io.dexnode.engine.risk;

import java.util.Arrays;

/** Every market's mark at one moment of the risk pass, and its maintenance margin rate, by market id (ascending). */
final class Marks {
    final int[] marketIds;
    final long[] marks;
    final int[] maintenanceBps;

    private Marks(int[] marketIds, long[] marks, int[] maintenanceBps) {
        this.marketIds = marketIds;
        this.marks = marks;
        this.maintenanceBps = maintenanceBps;
    }

    static Marks read(RiskLedger ledger, int[] marketIds) {
        long[] marks = new long[marketIds.length];
        int[] bps = new int[marketIds.length];
        for (int i = 0; i < marketIds.length; i++) {
            marks[i] = ledger.liveMark(marketIds[i]);
            bps[i] = ledger.params(marketIds[i]).maintenanceMarginBps();
        }
        return new Marks(marketIds, marks, bps);
    }

    /** The position of a market in these arrays. */
    int indexOf(int marketId) {
        int at = Arrays.binarySearch(marketIds, marketId);
        if (at < 0) {
            throw new IllegalStateException("no mark for market " + marketId);
        }
        return at;
    }

    long of(int marketId) {
        return marks[indexOf(marketId)];
    }

    boolean sameAs(Marks other) {
        return Arrays.equals(marketIds, other.marketIds) && Arrays.equals(marks, other.marks);
    }
}
