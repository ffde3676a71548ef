package io.dexnode.state;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The versions whose whole tree is on disk (a {@code 't'} meta record each), as the persister
 * adds them and the pruner removes the ones no retained version needs. Proofs at these versions
 * read the tree from disk; any other version's tree is recomputed from the nearest one below.
 * Thread-safe.
 */
final class PersistedTrees {
    private final ConcurrentSkipListSet<Long> versions = new ConcurrentSkipListSet<>();

    PersistedTrees(List<Long> onDisk) {
        versions.addAll(onDisk);
    }

    void add(long version) {
        versions.add(version);
    }

    boolean contains(long version) {
        return versions.contains(version);
    }

    /** The newest persisted tree at or below {@code version}, or {@link StateStore#NO_VERSION}. */
    long floor(long version) {
        Long v = version < 0 ? null : versions.floor(version);
        return v == null ? StateStore.NO_VERSION : v;
    }

    /** The newest persisted tree, or {@link StateStore#NO_VERSION}. */
    long newest() {
        return versions.isEmpty() ? StateStore.NO_VERSION : versions.last();
    }

    /** Forgets the trees below {@code version} (the pruner deleted them). */
    void dropBelow(long version) {
        versions.headSet(version).clear();
    }

    /** The persisted versions, oldest first. */
    List<Long> all() {
        return List.copyOf(versions);
    }
}
