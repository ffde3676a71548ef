package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.recovery.RecoveryReport.Method;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A warm snapshot taken at any height is as good as replaying every block. A long seeded chain is
 * replayed once in full, writing a snapshot of the books and a checkpoint of the state at many
 * heights; then, from each checkpoint, the books are recovered from a snapshot (of that height, or
 * an older one caught up from state) and the rest of the chain is applied: the root and the books
 * (every order's id, owner, side, price, remaining size and priority) must be the full replay's at
 * every height. Finally the full replay's own store recovers from each snapshot in turn by
 * catching up to the last height, and must find its books.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SnapshotSoakTest {
    private static final int BLOCKS = 300;
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    /** The full replay: per height its root and books, and the heights with a snapshot and a checkpoint. */
    private record Reference(List<String> roots, List<Map<Integer, List<String>>> books, List<Long> snapshotHeights) {
        String root(long height) {
            return roots.get((int) height - 1);
        }

        Map<Integer, List<String>> books(long height) {
            return books.get((int) height - 1);
        }
    }

    private static Map<Integer, List<String>> books(Engine engine) {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (int m : engine.marketIds()) {
            out.put(m, DeterminismTest.l3(engine.book(m)));
        }
        return out;
    }

    private Path snapshots(long height) {
        return tmp.resolve("snapshots-" + height);
    }

    private Path checkpoint(long height) {
        return tmp.resolve("state-" + height);
    }

    /** Heights 10 to 40 blocks apart (the first early, the last the chain's end), from the seed. */
    private static List<Long> snapshotHeights(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Long> heights = new ArrayList<>();
        for (long h = 1 + rnd.nextInt(5); h < BLOCKS; h += 10 + rnd.nextInt(31)) {
            heights.add(h);
        }
        heights.add((long) BLOCKS);
        return heights;
    }

    private Reference replayInFull(List<Block> blocks, List<Long> snapshotHeights) {
        List<String> roots = new ArrayList<>();
        List<Map<Integer, List<String>>> books = new ArrayList<>();
        try (StateManager store = StateManager.open(tmp.resolve("full"), CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            for (Block b : blocks) {
                roots.add(engine.executeBlock(b.height(), b.time(), b.txs()).header().rootHex());
                books.add(books(engine));
                if (snapshotHeights.contains(b.height())) {
                    BookSnapshotWriter.write(engine, snapshots(b.height()));
                    store.checkpoint(checkpoint(b.height()));
                }
            }
        }
        return new Reference(roots, books, snapshotHeights);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void restoringFromEverySnapshotAndApplyingTheRestGivesTheFullReplaysRootsAndBooks(long seed) {
        List<Block> blocks = SeededChain.generate(seed, BLOCKS);
        Reference full = replayInFull(blocks, snapshotHeights(seed));
        List<Long> heights = full.snapshotHeights();
        assertThat(heights).as("seed %d: snapshot heights", seed).hasSizeGreaterThan(8);
        for (int i = 0; i < heights.size(); i++) {
            long at = heights.get(i);
            // Every other checkpoint starts from the previous snapshot and catches up from state.
            long from = i % 2 == 1 ? heights.get(i - 1) : at;
            String where = "seed " + seed + ", state at " + at + ", snapshot of " + from;
            try (StateManager store = StateManager.open(checkpoint(at), CFG)) {
                Engine engine = new Engine(store);
                RecoveryReport r = engine.recover(RecoveryOptions.fromState().withSnapshots(snapshots(from)));
                assertThat(r.method()).as(where).isEqualTo(from == at ? Method.SNAPSHOT : Method.SNAPSHOT_INCREMENTAL);
                assertThat(r.clean()).as("%s: %s", where, r.describeInconsistencies()).isTrue();
                assertThat(books(engine)).as("%s: books after recovery", where).isEqualTo(full.books(at));
                for (Block b : blocks.subList((int) at, blocks.size())) {
                    String root = engine.executeBlock(b.height(), b.time(), b.txs()).header().rootHex();
                    assertThat(root).as("%s: root at %d", where, b.height()).isEqualTo(full.root(b.height()));
                    assertThat(books(engine)).as("%s: books at %d", where, b.height()).isEqualTo(full.books(b.height()));
                }
                assertThat(engine.consistencyProblem()).as(where).isNull();
            }
        }
        try (StateManager store = StateManager.open(tmp.resolve("full"), CFG)) {
            for (long from : heights) {
                Engine engine = new Engine(store);
                RecoveryReport r = engine.recover(RecoveryOptions.fromState().withSnapshots(snapshots(from)));
                String where = "seed " + seed + ", snapshot of " + from + " caught up to " + BLOCKS;
                assertThat(r.method()).as(where).isEqualTo(from == BLOCKS ? Method.SNAPSHOT : Method.SNAPSHOT_INCREMENTAL);
                assertThat(r.clean()).as("%s: %s", where, r.describeInconsistencies()).isTrue();
                assertThat(books(engine)).as(where).isEqualTo(full.books(BLOCKS));
            }
            assertThat(store.latestVersion()).as("seed %d: no recovery wrote a block", seed).isEqualTo(BLOCKS);
        }
    }
}
