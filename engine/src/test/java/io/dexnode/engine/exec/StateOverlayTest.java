package io.dexnode.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.WriteSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The overlay's transaction layer: a rolled-back transaction leaves every key as it was before it
 * (block writes, committed values, absences), an accepted one keeps its writes, and the block's
 * write set is exactly the surviving writes. Checked against a plain map model over random
 * transactions.
 */
class StateOverlayTest {

    @Test
    void rolledBackTransactionsLeaveNoTraceAndAcceptedOnesKeepTheirWrites() {
        SplittableRandom r = new SplittableRandom(5);
        InMemoryStateStore store = new InMemoryStateStore();
        // committed state: market stats 0..19 present
        WriteSet genesis = new WriteSet();
        Map<StateKey, MarketStatsRecord> committed = new HashMap<>();
        for (long id = 0; id < 20; id++) {
            MarketStatsRecord v = new MarketStatsRecord(id, id, id);
            genesis.put(new StateKey.MarketStats((int) id).encode(), v.encode());
            committed.put(new StateKey.MarketStats((int) id), v);
        }
        store.commit(0, genesis, null);
        for (int blockNo = 0; blockNo < 50; blockNo++) {
            StateOverlay overlay = new StateOverlay(store, 1_000);
            Map<StateKey, MarketStatsRecord> model = new HashMap<>(committed); // absent key = no value
            Map<StateKey, Boolean> written = new HashMap<>();
            for (int t = 0; t < 20; t++) {
                Map<StateKey, MarketStatsRecord> before = new HashMap<>(model);
                Map<StateKey, Boolean> writtenBefore = new HashMap<>(written);
                int writes = r.nextInt(6);
                for (int w = 0; w < writes; w++) {
                    StateKey key = new StateKey.MarketStats(r.nextInt(40)); // half of them never committed
                    if (r.nextInt(3) == 0) {
                        overlay.delete(key);
                        model.remove(key);
                    } else {
                        long x = r.nextLong(1_000_000);
                        MarketStatsRecord v = new MarketStatsRecord(x, x + 1, x + 2);
                        overlay.put(key, v);
                        model.put(key, v);
                    }
                    written.put(key, true);
                    assertThat(overlay.get(key)).isEqualTo(model.get(key));
                }
                if (r.nextBoolean()) {
                    overlay.rollbackTx();
                    model = before;
                    written = writtenBefore;
                } else {
                    overlay.commitTx();
                }
                for (long id = 0; id < 40; id++) {
                    StateKey key = new StateKey.MarketStats((int) id);
                    assertThat(overlay.get(key)).as("market stats %d after tx %d of block %d", id, t, blockNo).isEqualTo(model.get(key));
                }
            }
            // the block's write set: every key a surviving transaction wrote, with its last value
            Map<String, byte[]> expected = new HashMap<>();
            for (StateKey key : written.keySet()) {
                MarketStatsRecord v = model.get(key);
                expected.put(hex(key.encode()), v == null ? null : v.encode());
            }
            Map<String, byte[]> actual = new HashMap<>();
            List<String> order = new ArrayList<>();
            overlay.toWriteSet().forEach((k, v) -> {
                actual.put(hex(k), v);
                order.add(hex(k));
            });
            assertThat(actual).containsOnlyKeys(expected.keySet());
            expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualTo(v));
            assertThat(order).isSorted();
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    /**
     * The contract {@link LiveMarks} relies on to keep a market's reference price between orders:
     * the epoch moves on every write of a market's statistics or risk record, on every undone
     * transaction (it may have undone one), on a reset, and on nothing else.
     */
    @Test
    void theMarkInputsEpochMovesWheneverAMarketsStatisticsOrRiskMayHaveChanged() {
        StateOverlay overlay = new StateOverlay(new InMemoryStateStore(), 100);
        long epoch = overlay.markInputsEpoch();

        overlay.put(new StateKey.Counters(), CountersRecord.INITIAL);
        overlay.commitTx();
        overlay.rollbackTx(); // nothing open
        overlay.get(new StateKey.MarketStats(1));
        assertThat(overlay.markInputsEpoch()).as("other keys, reads, an empty rollback").isEqualTo(epoch);

        overlay.put(new StateKey.MarketStats(1), new MarketStatsRecord(100, 5, 1));
        assertThat(overlay.markInputsEpoch()).isNotEqualTo(epoch);
        epoch = overlay.markInputsEpoch();
        overlay.commitTx();
        overlay.put(new StateKey.MarketRisk(1), MarketRiskRecord.EMPTY);
        assertThat(overlay.markInputsEpoch()).isNotEqualTo(epoch);
        epoch = overlay.markInputsEpoch();
        overlay.commitTx();

        overlay.put(new StateKey.Counters(), CountersRecord.INITIAL);
        overlay.rollbackTx();
        assertThat(overlay.markInputsEpoch()).as("an undone transaction").isNotEqualTo(epoch);
        epoch = overlay.markInputsEpoch();
        overlay.reset();
        assertThat(overlay.markInputsEpoch()).as("a reset").isNotEqualTo(epoch);
    }
}
