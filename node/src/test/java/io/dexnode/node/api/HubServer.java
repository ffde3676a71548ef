package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.NodeUnavailableException;
import io.javalin.Javalin;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A server of one {@link StreamHub}'s stream on an ephemeral loopback port, wired as the node wires
 * it, that wakes waiting tests each time the hub is told a connection closed or failed. There is
 * no block producer behind it: a transaction sent here is admitted, then refused as overloaded.
 */
final class HubServer implements AutoCloseable {
    private final Javalin server;
    private final Object ends = new Object();
    private int endEvents;

    HubServer(StreamHub hub) {
        TxService orders = new TxService(new TxAdmission(null, true, "hub-test", false), tx -> {
            throw new NodeUnavailableException("no block producer behind this stream");
        }, TxService.Router.LOCAL, new NodeMetrics(() -> 0, List::of, () -> 0));
        server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.ws("/v1/stream", ws -> {
                ws.onConnect(hub::connected);
                ws.onMessage(ctx -> hub.message(ctx, ctx.message(), orders));
                ws.onClose(ctx -> {
                    hub.closed(ctx);
                    ended();
                });
                ws.onError(ctx -> {
                    hub.failed(ctx, ctx.error());
                    ended();
                });
            });
        }).start("127.0.0.1", 0);
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** How many closes and failures the hub has been told of. */
    int endEvents() {
        synchronized (ends) {
            return endEvents;
        }
    }

    /**
     * Waits, woken by each close or failure the hub is told of, until {@code value} (something those
     * events change) reaches {@code expected}; the 30 s bound only catches a hang.
     */
    void awaitValue(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (ends) {
            for (long left = deadline - System.nanoTime(); value.getAsInt() != expected && left > 0;
                    left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(ends, left);
            }
        }
        assertThat(value.getAsInt()).isEqualTo(expected);
    }

    private void ended() {
        synchronized (ends) {
            endEvents++;
            ends.notifyAll();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
