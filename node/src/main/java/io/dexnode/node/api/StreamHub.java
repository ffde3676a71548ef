package io.dexnode.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.producer.BlockEvents;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.Trade;
import io.javalin.websocket.WsContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket stream {@code /v1/stream}: depth diffs, trades and order updates after each block.
 *
 * <p>Every subscription change and every block's events run on one thread, in order, so a depth
 * subscriber's snapshot is exactly the book the following diffs apply to. Each depth message
 * carries {@code height} and {@code prevHeight} (the height of the previous depth message this
 * subscriber got for that market): a client that sees {@code prevHeight} differ from its book's
 * height has missed a message and should resubscribe.
 */
public final class StreamHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    /** One connection's subscriptions; touched only on the hub's thread. */
    /** Messages a subscriber may have in flight before it counts as too slow and is disconnected. */
    static final int MAX_PENDING_MESSAGES = 10_000;

    private static final class Subscriber {
        final WsContext ws;
        /** Sent but not yet written to the socket: bounds the memory a slow client can hold. */
        final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
        final TreeMap<Integer, Long> depth = new TreeMap<>();
        final TreeSet<Integer> trades = new TreeSet<>();
        final Map<String, Long> accounts = new LinkedHashMap<>();

        Subscriber(WsContext ws) {
            this.ws = ws;
        }
    }

    private final StateQueries queries;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dexnode-stream");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private MarketData latest;

    public StreamHub(MarketData initial, StateQueries queries) {
        this.latest = initial;
        this.queries = queries;
    }

    public void connected(WsContext ws) {
        thread.execute(() -> subscribers.put(ws.sessionId(), new Subscriber(ws)));
    }

    public void closed(WsContext ws) {
        thread.execute(() -> subscribers.remove(ws.sessionId()));
    }

    /** A client message: {@code {"op":"subscribe"|"unsubscribe","channel":"depth"|"trades"|"orders",…}}. */
    public void message(WsContext ws, String text) {
        thread.execute(() -> handle(ws, text));
    }

    /** A committed block's events, from the producer. */
    public void publish(BlockEvents events) {
        thread.execute(() -> broadcast(events));
    }

    private void handle(WsContext ws, String text) {
        Subscriber s = subscribers.computeIfAbsent(ws.sessionId(), k -> new Subscriber(ws));
        JsonNode msg;
        try {
            msg = JsonViews.MAPPER.readTree(text);
        } catch (Exception e) {
            sendError(s, RejectCode.MALFORMED, "not JSON");
            return;
        }
        if (msg == null || !msg.isObject()) {
            sendError(s, RejectCode.MALFORMED, "a stream message is a JSON object");
            return;
        }
        String op = msg.path("op").asText("");
        String channel = msg.path("channel").asText("");
        boolean subscribe = op.equals("subscribe");
        if (!subscribe && !op.equals("unsubscribe")) {
            sendError(s, RejectCode.MALFORMED, "\"op\" must be \"subscribe\" or \"unsubscribe\"");
            return;
        }
        switch (channel) {
            case "depth", "trades" -> {
                JsonNode m = msg.get("market");
                if (m == null || !m.canConvertToInt()) {
                    sendError(s, RejectCode.MALFORMED, "channel \"" + channel + "\" needs an integer \"market\"");
                    return;
                }
                int market = m.asInt();
                MarketView view = latest.market(market);
                if (view == null) {
                    sendError(s, RejectCode.UNKNOWN_MARKET, "market " + market + " does not exist");
                    return;
                }
                if (channel.equals("trades")) {
                    if (subscribe) {
                        s.trades.add(market);
                    } else {
                        s.trades.remove(market);
                    }
                    ack(s, op, channel, msg);
                } else if (subscribe) {
                    ack(s, op, channel, msg);
                    s.depth.put(market, view.height());
                    send(s, depthSnapshot(view));
                } else {
                    s.depth.remove(market);
                    ack(s, op, channel, msg);
                }
            }
            case "orders" -> {
                String account = msg.path("account").asText("");
                if (account.isEmpty()) {
                    sendError(s, RejectCode.MALFORMED, "channel \"orders\" needs an \"account\" (name or hex public key)");
                    return;
                }
                if (subscribe) {
                    AccountRecord a = queries.accountByName(account);
                    s.accounts.put(account, a == null ? -1L : a.accountId());
                } else {
                    s.accounts.remove(account);
                }
                ack(s, op, channel, msg);
            }
            default -> sendError(s, RejectCode.MALFORMED, "\"channel\" must be \"depth\", \"trades\" or \"orders\"");
        }
    }

    private void broadcast(BlockEvents e) {
        latest = e.after();
        if (subscribers.isEmpty()) {
            return;
        }
        TreeMap<Long, List<OrderUpdate>> updatesByAccount = new TreeMap<>();
        for (OrderUpdate u : e.orderUpdates()) {
            updatesByAccount.computeIfAbsent(u.accountId(), k -> new ArrayList<>()).add(u);
        }
        TreeMap<Integer, String> tradeMessages = new TreeMap<>();
        e.trades().forEach((market, list) -> tradeMessages.put(market, tradesMessage(market, e.height(), list)));
        for (Subscriber s : List.copyOf(subscribers.values())) {
            for (Map.Entry<Integer, Long> d : s.depth.entrySet()) {
                BlockEvents.DepthChange change = e.depth().get(d.getKey());
                if (change == null || d.getValue() >= e.height()) {
                    continue;
                }
                send(s, depthDiff(d.getKey(), e.height(), d.getValue(), change));
                d.setValue(e.height());
            }
            for (int market : s.trades) {
                String m = tradeMessages.get(market);
                if (m != null) {
                    send(s, m);
                }
            }
            for (Map.Entry<String, Long> a : s.accounts.entrySet()) {
                if (a.getValue() < 0) {
                    AccountRecord rec = queries.accountByName(a.getKey());
                    if (rec == null) {
                        continue;
                    }
                    a.setValue(rec.accountId());
                }
                List<OrderUpdate> mine = updatesByAccount.get(a.getValue());
                if (mine != null) {
                    send(s, ordersMessage(a.getKey(), a.getValue(), e.height(), mine));
                }
            }
        }
    }

    static String depthSnapshot(MarketView v) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("channel", "depth");
        n.put("type", "snapshot");
        n.put("market", v.params().marketId());
        n.put("height", v.height());
        n.set("bids", JsonViews.levels(v.bids()));
        n.set("asks", JsonViews.levels(v.asks()));
        return n.toString();
    }

    static String depthDiff(int market, long height, long prevHeight, BlockEvents.DepthChange c) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("channel", "depth");
        n.put("type", "diff");
        n.put("market", market);
        n.put("height", height);
        n.put("prevHeight", prevHeight);
        n.set("bids", JsonViews.levels(c.bids()));
        n.set("asks", JsonViews.levels(c.asks()));
        return n.toString();
    }

    static String tradesMessage(int market, long height, List<Trade> trades) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("channel", "trades");
        n.put("market", market);
        n.put("height", height);
        ArrayNode a = n.putArray("trades");
        for (Trade t : trades) {
            a.add(JsonViews.trade(t));
        }
        return n.toString();
    }

    static String ordersMessage(String account, long accountId, long height, List<OrderUpdate> updates) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("channel", "orders");
        n.put("account", account);
        n.put("accountId", accountId);
        n.put("height", height);
        ArrayNode a = n.putArray("orders");
        for (OrderUpdate u : updates) {
            a.add(JsonViews.orderUpdate(u));
        }
        return n.toString();
    }

    private void ack(Subscriber s, String op, String channel, JsonNode msg) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("op", op.equals("subscribe") ? "subscribed" : "unsubscribed");
        n.put("channel", channel);
        if (msg.has("market")) {
            n.set("market", msg.get("market"));
        }
        if (msg.has("account")) {
            n.set("account", msg.get("account"));
        }
        n.put("height", latest.height());
        send(s, n.toString());
    }

    private void sendError(Subscriber s, RejectCode code, String message) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("op", "error");
        n.put("code", code.jsonName());
        n.put("message", message);
        send(s, n.toString());
    }

    private void send(Subscriber s, String text) {
        try {
            if (s.ws.session.isOpen()) {
                if (s.pending.incrementAndGet() > MAX_PENDING_MESSAGES) {
                    LOG.info("disconnecting stream subscriber {}: {} messages unread", s.ws.sessionId(), MAX_PENDING_MESSAGES);
                    subscribers.remove(s.ws.sessionId());
                    s.ws.session.close(1008, "too slow: more than " + MAX_PENDING_MESSAGES + " messages unread",
                            org.eclipse.jetty.websocket.api.Callback.NOOP);
                    return;
                }
                s.ws.session.sendText(text, org.eclipse.jetty.websocket.api.Callback.from(
                        s.pending::decrementAndGet, failure -> s.pending.decrementAndGet()));
            } else {
                subscribers.remove(s.ws.sessionId());
            }
        } catch (RuntimeException e) {
            LOG.debug("dropping stream subscriber {}: {}", s.ws.sessionId(), e.toString());
            subscribers.remove(s.ws.sessionId());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
