package io.dexnode.engine;

/**
 * Engine tuning: how many decoded state records to cache across blocks (the cache is cleared when
 * it would grow past this) and the expected orders per market (initial book capacity).
 */
public record EngineConfig(int recordCacheEntries, int expectedOrdersPerMarket) {
    public static EngineConfig defaults() {
        return new EngineConfig(2_000_000, 16_384);
    }
}
