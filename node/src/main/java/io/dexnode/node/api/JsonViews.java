package io.dexnode.node.api;

import io.dexnode.engine.Depth;

/** The JSON shapes users and tests rely on (DESIGN.md §8), in one place. */
public final class JsonViews {
    private JsonViews() {
    }

    /** {@code {"market":1,"height":h,"bids":[[price,size],…],"asks":[[price,size],…]}}, best first. */
    public static String depth(Depth d) {
        StringBuilder sb = new StringBuilder(64 + 24 * (d.bids().length + d.asks().length));
        sb.append("{\"market\":").append(d.market()).append(",\"height\":").append(d.height()).append(",\"bids\":");
        levels(sb, d.bids());
        sb.append(",\"asks\":");
        levels(sb, d.asks());
        return sb.append('}').toString();
    }

    private static void levels(StringBuilder sb, long[][] levels) {
        sb.append('[');
        for (int i = 0; i < levels.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[').append(levels[i][0]).append(',').append(levels[i][1]).append(']');
        }
        sb.append(']');
    }
}
