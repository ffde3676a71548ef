package io.dexnode.state;

import java.util.SplittableRandom;

/**
 * Deterministic write sets over a small key space, so that overwrites and deletes are frequent.
 * The same (seed, version) always gives the same write set — the crash test's child and parent
 * rely on that to agree on what each version wrote.
 */
final class Workload {
    static final int TAGS = 4;
    static final int IDS = 12;

    private Workload() {}

    /** Key (tag, id), one byte longer for odd ids so that some keys are prefixes of others. */
    static byte[] key(int tag, int id) {
        return id % 2 == 1 ? new byte[] {(byte) tag, (byte) id, 0} : new byte[] {(byte) tag, (byte) id};
    }

    static byte[] randomKey(SplittableRandom r) {
        return key(r.nextInt(TAGS), r.nextInt(IDS));
    }

    /** The write set of {@code version} under {@code seed}. */
    static WriteSet writes(long seed, long version, int maxWrites) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + version);
        WriteSet ws = new WriteSet();
        int n = r.nextInt(maxWrites + 1);
        for (int i = 0; i < n; i++) {
            byte[] k = randomKey(r);
            if (r.nextInt(10) < 3) {
                ws.delete(k);
            } else {
                byte[] v = new byte[1 + r.nextInt(20)];
                r.nextBytes(v);
                ws.put(k, v);
            }
        }
        return ws;
    }
}
