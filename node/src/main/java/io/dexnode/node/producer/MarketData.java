package io.dexnode.node.producer;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The published picture of every market at one committed height. The producer builds a new one
 * after each block and swaps it in with one volatile write, so readers never see a half-updated
 * book and never touch the engine.
 */
public record MarketData(long height, SortedMap<Integer, MarketView> markets) {
    public static final MarketData EMPTY = new MarketData(-1, Collections.emptySortedMap());

    public MarketData {
        markets = Collections.unmodifiableSortedMap(new TreeMap<>(markets));
    }

    public MarketView market(int id) {
        return markets.get(id);
    }

    public List<MarketView> list() {
        return List.copyOf(markets.values());
    }
}
