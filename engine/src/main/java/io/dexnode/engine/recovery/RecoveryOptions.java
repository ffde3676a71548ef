package io.dexnode.engine.recovery;

import java.nio.file.Path;

/**
 * How to recover the books on start.
 *
 * @param strict        refuse to start (throw {@link RecoveryRefusedException}) instead of repairing inconsistencies
 * @param snapshotDir   where warm snapshots live; null = always rebuild from state
 * @param threads       markets recovered in parallel
 * @param scanOrphans   always scan every order record for Active orders missing from the index (a full pass over
 *                      history); without it the scan runs only when the index disagrees with the resting-order count
 * @param reads         how the order records behind the index are read
 * @param deferRepairs  find inconsistencies and rebuild the books as a repair would leave them, but commit no
 *                      repair block: the report's {@link RecoveryReport#pendingRepair()} is committed later, at a
 *                      height the caller chooses (a cluster replica, which may write a repair only when the
 *                      leader proposes one that every replica applies)
 */
public record RecoveryOptions(boolean strict, Path snapshotDir, int threads, boolean scanOrphans, OrderReads reads,
                              boolean deferRepairs) {

    /** How a rebuild from state reads the order records the ActiveOrder index names. */
    public enum OrderReads {
        /** Scan when the order records in the tree are at most a few times the resting orders, else look up. */
        AUTO,
        /** Multi-get each indexed order: cost grows with the resting orders. */
        LOOKUP,
        /** One parallel pass over every order record: sequential reads, and orphans found on the way. */
        SCAN
    }

    public static RecoveryOptions fromState() {
        return new RecoveryOptions(false, null, Runtime.getRuntime().availableProcessors(), false, OrderReads.AUTO, false);
    }

    public RecoveryOptions withStrict(boolean s) {
        return new RecoveryOptions(s, snapshotDir, threads, scanOrphans, reads, deferRepairs);
    }

    public RecoveryOptions withSnapshots(Path dir) {
        return new RecoveryOptions(strict, dir, threads, scanOrphans, reads, deferRepairs);
    }

    public RecoveryOptions withScanOrphans(boolean scan) {
        return new RecoveryOptions(strict, snapshotDir, threads, scan, reads, deferRepairs);
    }

    public RecoveryOptions withOrderReads(OrderReads r) {
        return new RecoveryOptions(strict, snapshotDir, threads, scanOrphans, r, deferRepairs);
    }

    public RecoveryOptions withDeferredRepairs(boolean defer) {
        return new RecoveryOptions(strict, snapshotDir, threads, scanOrphans, reads, defer);
    }
}
