package io.dexnode.engine.recovery;

/** Strict recovery found inconsistencies and refused to repair them; the report says which. */
public final class RecoveryRefusedException extends RuntimeException {
    private final RecoveryReport report;

    public RecoveryRefusedException(RecoveryReport report) {
        super("state is inconsistent and --strict forbids repairs: " + report.describeInconsistencies());
        this.report = report;
    }

    public RecoveryReport report() {
        return report;
    }
}
