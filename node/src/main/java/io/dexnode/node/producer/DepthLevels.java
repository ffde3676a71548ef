package io.dexnode.node.producer;

import java.util.ArrayList;
import java.util.List;

/**
 * Full-depth arithmetic for the stream: the levels that differ between two depths of one side
 * (a removed level is reported with size 0), in the side's best-first order.
 */
public final class DepthLevels {
    private DepthLevels() {
    }

    /**
     * {@code before} and {@code after} are {@code [price,size]} levels, best first: descending
     * prices for bids ({@code descending}), ascending for asks.
     */
    public static long[][] diff(long[][] before, long[][] after, boolean descending) {
        List<long[]> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < before.length || j < after.length) {
            int cmp;
            if (i == before.length) {
                cmp = 1;
            } else if (j == after.length) {
                cmp = -1;
            } else {
                cmp = Long.compare(before[i][0], after[j][0]);
                if (descending) {
                    cmp = -cmp;
                }
            }
            if (cmp < 0) {
                out.add(new long[] {before[i][0], 0});
                i++;
            } else if (cmp > 0) {
                out.add(after[j].clone());
                j++;
            } else {
                if (before[i][1] != after[j][1]) {
                    out.add(after[j].clone());
                }
                i++;
                j++;
            }
        }
        return out.toArray(new long[0][]);
    }
}
