package io.dexnode.state;

import java.util.List;

/**
 * The tree-persistence settings the randomized tests run under: every version (the first
 * design's disk layout), every few versions, every few key updates, the defaults (in these small
 * histories: never, so every reopen re-applies everything), and only when a tiny memory budget
 * runs out.
 */
final class Persistences {
    static final List<TreePersistence> ALL = List.of(
            TreePersistence.everyVersion(),
            new TreePersistence(3, 1_000_000, 1 << 30),
            new TreePersistence(1_000_000, 25, 1 << 30),
            TreePersistence.defaults(),
            TreePersistence.onlyWhenMemoryIsShort(4 << 10));

    private Persistences() {}

    /** The setting seed {@code seed} runs under. */
    static TreePersistence of(long seed) {
        return ALL.get((int) Math.floorMod(seed * 7 + 3, ALL.size()));
    }
}
