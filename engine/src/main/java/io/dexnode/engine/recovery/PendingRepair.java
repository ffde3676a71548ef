package io.dexnode.engine.recovery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * A repair that recovery found and did not commit ({@link RecoveryOptions#deferRepairs()}): the
 * books already rest what it leaves resting; {@code Engine.commitRepair} writes it as a block at a
 * height the caller chooses. Its {@link #digest()} names what it repairs, so that replicas can
 * check they found the same repair before any of them writes it.
 */
public final class PendingRepair {
    final RepairPlan plan;
    final Map<Integer, List<RestingOrder>> resting;
    final RecoveryReport found;

    PendingRepair(RepairPlan plan, Map<Integer, List<RestingOrder>> resting, RecoveryReport found) {
        this.plan = plan;
        this.resting = resting;
        this.found = found;
    }

    /** SHA-256 over the inconsistencies found, by kind in declaration order and order ids ascending. */
    public byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("dexnode-repair/1".getBytes(StandardCharsets.UTF_8));
            for (RecoveryReport.Inconsistency kind : RecoveryReport.Inconsistency.values()) {
                List<Long> ids = found.inconsistencies().getOrDefault(kind, List.of());
                sha.update(ByteBuffer.allocate(8).putInt(kind.ordinal()).putInt(ids.size()).array());
                for (long id : ids) {
                    sha.update(ByteBuffer.allocate(8).putLong(id).array());
                }
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** What it repairs, for logs and refusals. */
    public String describe() {
        return found.describeInconsistencies();
    }
}
