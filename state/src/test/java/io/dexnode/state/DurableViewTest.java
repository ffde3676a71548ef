package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StateStore#durableView()}: a view pinned at a version shows exactly that version's
 * latest values — by key and by prefix scan, from another thread — while later commits overwrite
 * and delete; it waits for pipelined commits and is stamped with the newest; closing it, or the
 * store, ends its reads with a clear error. Compared with a model of each version's latest values
 * kept by the test (a map per version), for RocksDB's store and the in-memory one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableViewTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "RocksDB store: {0}")
    @ValueSource(booleans = {true, false})
    void aViewShowsItsVersionsLatestValuesWhileLaterCommitsOverwriteAndDelete(boolean rocks) throws Exception {
        SplittableRandom rnd = new SplittableRandom(rocks ? 11 : 12);
        try (StateStore store = rocks ? StateManager.open(tmp.resolve("s"), CFG) : new InMemoryStateStore()) {
            TreeMap<String, String> model = new TreeMap<>();
            for (int v = 0; v < 20; v++) {
                commitRandom(store, v, rnd, model);
            }
            Map<String, String> at19 = new TreeMap<>(model);
            try (StateStore.DurableView view = store.durableView()) {
                assertThat(view.version()).isEqualTo(19);
                // Read from another thread while the store commits 30 more versions.
                CompletableFuture<List<String>> scanned = CompletableFuture.supplyAsync(() -> {
                    List<String> seen = new ArrayList<>();
                    for (int round = 0; round < 30; round++) {
                        seen = scanAll(view);
                    }
                    return seen;
                });
                for (int v = 20; v < 50; v++) {
                    commitRandom(store, v, rnd, model);
                }
                assertThat(scanned.get(30, TimeUnit.SECONDS)).isEqualTo(entries(at19));
                assertThat(model).as("the later commits changed what the view must not show").isNotEqualTo(at19);
                for (int k = 0; k < 200; k++) {
                    String key = "k" + (k % 2) + "." + k;
                    assertThat(string(view.get(bytes(key)))).as(key).isEqualTo(at19.get(key));
                }
                List<String> prefixK1 = new ArrayList<>();
                view.scanPrefixInPlace(bytes("k1."), (k, val) -> prefixK1.add(string(k) + "=" + string(val)));
                assertThat(prefixK1).isEqualTo(entries(new TreeMap<>(at19).subMap("k1.", "k1/")));
            }
            List<String> latest = new ArrayList<>();
            store.scanPrefix(new byte[0], (k, val) -> latest.add(new String(k, StandardCharsets.UTF_8) + "="
                    + new String(val, StandardCharsets.UTF_8)));
            assertThat(latest).as("the store itself shows the newest version").isEqualTo(entries(model));
        }
    }

    @Test
    void aViewWaitsForTheCommitsInFlightAndShowsTheNewest() {
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(tmp.resolve("p"), CFG, seams)) {
            seams.delayWrites(30);
            TreeMap<String, String> model = new TreeMap<>();
            SplittableRandom rnd = new SplittableRandom(13);
            PendingCommit last = null;
            for (int v = 0; v < 4; v++) {
                last = sm.commitPipelined(v, randomWrites(v, rnd, model), null);
            }
            assertThat(last.durable()).as("the writes are slowed: the last is still in flight").isNotDone();
            try (StateStore.DurableView view = sm.durableView()) {
                assertThat(last.durable()).isDone();
                assertThat(view.version()).isEqualTo(3);
                assertThat(scanAll(view)).isEqualTo(entries(model));
            }
        }
    }

    @Test
    void aClosedViewAndAViewOfAClosedStoreRefuseReadsAndCloseAgainQuietly() {
        StateManager sm = StateManager.open(tmp.resolve("c"), CFG);
        TreeMap<String, String> model = new TreeMap<>();
        commitRandom(sm, 0, new SplittableRandom(14), model);
        StateStore.DurableView closedFirst = sm.durableView();
        StateStore.DurableView leftOpen = sm.durableView();
        closedFirst.close();
        assertThatThrownBy(() -> closedFirst.get(bytes("k0.0")))
                .isInstanceOf(StateException.class).hasMessageContaining("pinned view of version 0 is closed");
        assertThat(scanAll(leftOpen)).isEqualTo(entries(model));

        sm.close(); // releases the view left open
        assertThatThrownBy(() -> leftOpen.scanPrefixInPlace(new byte[0], (k, v) -> { }))
                .isInstanceOf(StateException.class).hasMessageContaining("is closed");
        leftOpen.close();
        leftOpen.close();
        closedFirst.close();
    }

    /** Commits version {@code v}: puts and deletes over 200 keys under two prefixes, mirrored in {@code model}. */
    private static void commitRandom(StateStore store, long v, SplittableRandom rnd, TreeMap<String, String> model) {
        store.commit(v, randomWrites(v, rnd, model), null);
    }

    private static WriteSet randomWrites(long v, SplittableRandom rnd, TreeMap<String, String> model) {
        WriteSet ws = new WriteSet();
        for (int i = 0; i < 40; i++) {
            int k = rnd.nextInt(200);
            String key = "k" + (k % 2) + "." + k;
            if (rnd.nextInt(4) == 0) {
                ws.delete(bytes(key));
                model.remove(key);
            } else {
                String value = "v" + v + "." + i;
                ws.put(bytes(key), bytes(value));
                model.put(key, value);
            }
        }
        return ws;
    }

    private static List<String> scanAll(StateStore.DurableView view) {
        List<String> seen = new ArrayList<>();
        view.scanPrefixInPlace(new byte[0], (k, v) -> seen.add(string(k) + "=" + string(v)));
        return seen;
    }

    private static List<String> entries(Map<String, String> model) {
        List<String> out = new ArrayList<>();
        model.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return new String(out, StandardCharsets.UTF_8);
    }
}
