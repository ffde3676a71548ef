package io.dexnode.engine;

import java.nio.file.Path;

/**
 * How to recover the books on start.
 *
 * @param strict        refuse to start (throw {@link RecoveryRefusedException}) instead of repairing inconsistencies
 * @param snapshotDir   where warm snapshots live; null = always rebuild from state
 * @param threads       markets recovered in parallel
 * @param scanOrphans   always scan every order record for Active orders missing from the index (a full pass over
 *                      history); without it the scan runs only when the index disagrees with the resting-order count
 */
public record RecoveryOptions(boolean strict, Path snapshotDir, int threads, boolean scanOrphans) {
    public static RecoveryOptions fromState() {
        return new RecoveryOptions(false, null, Runtime.getRuntime().availableProcessors(), false);
    }

    public RecoveryOptions withStrict(boolean s) {
        return new RecoveryOptions(s, snapshotDir, threads, scanOrphans);
    }

    public RecoveryOptions withSnapshots(Path dir) {
        return new RecoveryOptions(strict, dir, threads, scanOrphans);
    }

    public RecoveryOptions withScanOrphans(boolean scan) {
        return new RecoveryOptions(strict, snapshotDir, threads, scan);
    }
}
