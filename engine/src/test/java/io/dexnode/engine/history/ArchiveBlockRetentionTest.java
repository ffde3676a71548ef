package io.dexnode.engine.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An archive block read while archive retention removes it (the summary, then each archived order,
 * are separate reads; retention deletes them in one later block's write) is answered as removed —
 * null, which {@code GET /v1/archive/{h}} serves as no orders — not as a broken archive (it threw,
 * and the API answered 500); and before and after the race the block reads whole, then as removed.
 */
class ArchiveBlockRetentionTest {
    private static OrderRecord order(long id) {
        return new OrderRecord(id, 1, 7, Side.BUY, 100, 1, 0, 1, TimeInForce.GTC, SelfTradePrevention.CANCEL_RESTING,
                OrderStatus.FILLED, id, 1, 1, null);
    }

    @Test
    void anArchiveBlockPrunedWhileItIsReadIsNotAnInternalError() {
        InMemoryStateStore memory = new InMemoryStateStore();
        List<OrderRecord> orders = List.of(order(1), order(2));
        WriteSet extras = new WriteSet();
        ArchiveHeadRecord head = ArchiveHeadRecord.NONE.next(1, orders.stream().map(OrderRecord::encode).toList());
        HistoryWriter.archive(extras, 1, orders, head);
        memory.commit(1, new WriteSet(), extras);
        memory.commit(2, new WriteSet(), null);

        AtomicBoolean armed = new AtomicBoolean(true);
        StateStore store = (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getExtra") && ((byte[]) args[0])[0] == ExtraKeys.ARCHIVED_ORDER
                            && armed.getAndSet(false)) {
                        // The retention write of the next block lands now, after the summary was read.
                        ArchiveRetention.Plan plan = ArchiveRetention.plan(memory, 1, 2, 100);
                        WriteSet deletes = new WriteSet();
                        plan.deletes().forEach(deletes::delete);
                        memory.commit(3, new WriteSet(), deletes);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        HistoryQueries history = new HistoryQueries(store);
        assertThat(new HistoryQueries(memory).archiveBlock(1).orders()).hasSize(2);
        assertThat(history.archiveBlock(1)).as("removed while read").isNull();
        assertThat(armed).as("the retention write landed between the reads").isFalse();
        assertThat(new HistoryQueries(memory).archiveBlock(1)).as("removed").isNull();
    }
}
