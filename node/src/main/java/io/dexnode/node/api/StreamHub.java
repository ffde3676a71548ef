package io.dexnode.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.BlockEvents;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.Trade;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket stream {@code /v1/stream}: depth diffs, trades and order updates after each block,
 * the steps of each block's liquidations (the {@code liquidations} channel, and an account's
 * own steps on its {@code orders} channel), and signed transactions in ({@code {"op":"tx",…}},
 * answered {@code {"op":"tx_result",…}}).
 *
 * <p>A transaction is handled on the thread that delivered it, in the order its connection sent
 * them, through {@link TxService} exactly as {@code POST /v1/tx} is (signature, admission, the
 * block, the answer); never on the stream's thread, so no client's signatures or transactions delay
 * another client's messages. Its answer is sent when its block is committed. A connection has at
 * most {@link #MAX_TXS_IN_FLIGHT} transactions, and {@link #MAX_TX_BYTES_IN_FLIGHT} bytes of them,
 * waiting for answers; past that a transaction is refused at once (503 overloaded), and the
 * connection stays open.
 *
 * <p>Every subscription change and every block's events run on one thread, in order, so a depth
 * subscriber's snapshot is exactly the book the following diffs apply to. Each depth message
 * carries {@code height} and {@code prevHeight} (the height of the previous depth message this
 * subscriber got for that market): a client that sees {@code prevHeight} differ from its book's
 * height has missed a message and should resubscribe.
 *
 * <p>One connection holds a bounded amount of the node: messages of at most
 * {@link #MAX_REQUEST_BYTES} bytes (a transaction's; a subscription request of at most
 * {@link #MAX_SUBSCRIPTION_BYTES}), at most {@link #MAX_QUEUED_REQUESTS} subscription requests waiting for
 * the stream thread, at most {@link #MAX_SUBSCRIPTIONS} subscriptions, and at most
 * {@link #MAX_PENDING_MESSAGES} messages or {@link #MAX_PENDING_CHARS} characters sent but not yet
 * written to its socket. A connection past a queue bound is closed (1008, with the reason); a
 * subscription past its bound is refused with an error. Closing a connection drops all it holds.
 *
 * <p>Every open connection is pinged each {@link #PING_INTERVAL} from the hub's thread, so a client
 * that only listens on a quiet market is not idle; one whose peer sends nothing, not even a pong, for
 * {@link #IDLE_TIMEOUT} is closed (1001) as dead.
 *
 * <p>The node serves at most {@code maxConnections} connections at once, so the per-connection
 * bounds also bound the whole stream. A connection holds its slot from {@link #connected} until
 * it is closed or fails, whichever Jetty reports first; the slot is released exactly once. An
 * upgrade is refused (503) when no slot is free ({@link #requireRoomForConnection}); one that
 * raced past that check while the last slot was taken is closed at once (1013, try again later).
 */
public final class StreamHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    /**
     * The largest client message in bytes: a transaction's, whose signed envelope may be as large
     * as a {@code POST /v1/tx} body (a batch's), with room for its wrapper. Jetty closes on a
     * larger one (1009).
     */
    static final int MAX_REQUEST_BYTES = NodeConfig.MAX_TX_BODY_BYTES + 1024;
    /** The largest subscription request in characters (one is about 100); a larger one is refused with an error. */
    static final int MAX_SUBSCRIPTION_BYTES = 4 * 1024;
    /** Subscription requests a connection may have waiting for the stream thread before it is closed (1008). */
    static final int MAX_QUEUED_REQUESTS = 256;
    /** Transactions a connection may have waiting for their answers; one more is refused at once (503). */
    static final int MAX_TXS_IN_FLIGHT = 128;
    /** Bytes of signed transactions a connection may have waiting for their answers; past it, refused at once (503). */
    static final long MAX_TX_BYTES_IN_FLIGHT = 1L << 20;
    /** Subscriptions (depth, trades and orders together) one connection may hold. */
    static final int MAX_SUBSCRIPTIONS = 256;
    /** Messages a connection may have sent but unwritten before it counts as too slow and is closed (1008). */
    static final int MAX_PENDING_MESSAGES = 10_000;
    /**
     * Characters a connection may have sent but unwritten before it counts as too slow. Checked
     * before each message, so one message larger than this (a deep book's snapshot) still goes out.
     */
    static final long MAX_PENDING_CHARS = 4L << 20;
    /**
     * How long a closed connection may make no progress before Jetty ends it, freeing what it still
     * has queued (instead of the 30 s idle timeout): a client that reads gets its close frame.
     */
    static final Duration DROP_GRACE = Duration.ofSeconds(5);
    /** How often every open connection is pinged, so a client that only listens on a quiet market is not idle. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(15);
    /**
     * How long a connection may go without a frame from its peer (a pong included) before it is
     * closed (1001): three pings. Jetty's own idle timer cannot tell this, as sending a ping resets it too.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(45);
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0);

    /**
     * One connection. The subscriptions are touched only on the hub's thread; the counters by
     * Jetty's threads too.
     */
    private static final class Subscriber {
        final WsContext ws;
        final String id;
        /** Client messages handed to the hub's thread and not yet handled. */
        final AtomicInteger queuedRequests = new AtomicInteger();
        /** Transactions sent and not yet answered, and their bytes. */
        final AtomicInteger txsInFlight = new AtomicInteger();
        final AtomicLong txBytesInFlight = new AtomicLong();
        /** Sent but not yet written to the socket: bounds the memory a slow client can hold. */
        final AtomicInteger pendingMessages = new AtomicInteger();
        final AtomicLong pendingChars = new AtomicLong();
        final TreeMap<Integer, Long> depth = new TreeMap<>();
        final TreeSet<Integer> trades = new TreeSet<>();
        final Map<String, Long> accounts = new LinkedHashMap<>();
        boolean liquidations;
        /** Bytes received from the peer so far, frames of every kind: a pong shows here too. */
        final LongSupplier bytesIn;
        /** What {@link #bytesIn} was at the last ping, and the pings sent since it last grew (the hub's thread only). */
        long bytesInAtPing;
        int unansweredPings;

        Subscriber(WsContext ws) {
            this.ws = ws;
            this.id = ws.sessionId();
            this.bytesIn = bytesReceived(ws.session);
            this.bytesInAtPing = bytesIn.getAsLong();
        }

        int subscriptions() {
            return depth.size() + trades.size() + accounts.size() + (liquidations ? 1 : 0);
        }
    }

    private final StateQueries queries;
    private final int maxConnections;
    private final NodeMetrics metrics;
    /** Connections holding a slot, by session id: each is removed once, releasing its slot. */
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();
    /** Slots taken: the size of {@link #admitted}, but taken atomically against the bound. */
    private final AtomicInteger open = new AtomicInteger();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dexnode-stream");
        t.setDaemon(true);
        return t;
    });
    /** Open connections by session id; a closed or dropped connection is removed at once. */
    private final ConcurrentMap<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private MarketData latest;
    /** Jetty's idle timeout for a connection, and how long the hub waits to hear from a peer it pings. */
    private final Duration idleTimeout;
    /** Pings a connection may leave unanswered in a row (they span the idle timeout) before it is closed. */
    private final int unansweredPingsAllowed;

    /**
     * @param maxConnections the most connections served at once ({@code --stream-connections})
     * @param metrics counts the connections the hub closes or refuses, and reads how many are open
     */
    public StreamHub(MarketData initial, StateQueries queries, int maxConnections, NodeMetrics metrics) {
        this(initial, queries, maxConnections, metrics, PING_INTERVAL, IDLE_TIMEOUT);
    }

    /**
     * @param pingInterval how often every open connection is pinged
     * @param idleTimeout how long a connection may go without a frame from its peer before it is
     *     closed; at least one ping interval, and best several, so a pong has time to come back
     */
    StreamHub(MarketData initial, StateQueries queries, int maxConnections, NodeMetrics metrics,
            Duration pingInterval, Duration idleTimeout) {
        if (pingInterval.isNegative() || pingInterval.isZero() || idleTimeout.compareTo(pingInterval) < 0) {
            throw new IllegalArgumentException("need 0 < ping interval <= idle timeout, got " + pingInterval + " and " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
        this.unansweredPingsAllowed = (int) (idleTimeout.toNanos() / pingInterval.toNanos());
        if (maxConnections < 1) {
            throw new IllegalArgumentException("need at least one stream connection, got " + maxConnections);
        }
        this.latest = initial;
        this.queries = queries;
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        long every = pingInterval.toNanos();
        thread.scheduleWithFixedDelay(this::pingAll, every, every, TimeUnit.NANOSECONDS);
    }

    /**
     * Before a WebSocket upgrade: refuses it as overloaded (503) when every connection slot is taken.
     * A hint, not the bound: {@link #connected} takes the slot.
     */
    public void requireRoomForConnection() {
        if (open.get() >= maxConnections) {
            metrics.streamClosed(NodeMetrics.StreamClosure.CONNECTION_LIMIT);
            throw new ApiException(RejectCode.OVERLOADED, connectionLimitMessage());
        }
    }

    /**
     * A new connection, on Jetty's thread before any of its messages: takes a slot and bounds what it
     * may send, or, when no slot is free, is closed at once (1013) holding nothing.
     */
    public void connected(WsContext ws) {
        ws.session.setMaxTextMessageSize(MAX_REQUEST_BYTES);
        ws.session.setMaxBinaryMessageSize(MAX_SUBSCRIPTION_BYTES);
        ws.session.setIdleTimeout(idleTimeout);
        if (!takeSlot()) {
            metrics.streamClosed(NodeMetrics.StreamClosure.CONNECTION_LIMIT);
            LOG.debug("refusing stream connection {}: {}", ws.sessionId(), connectionLimitMessage());
            ws.session.setIdleTimeout(DROP_GRACE);
            ws.session.close(StatusCode.TRY_AGAIN_LATER, connectionLimitMessage(), Callback.NOOP);
            return;
        }
        admitted.add(ws.sessionId());
        subscribers.put(ws.sessionId(), new Subscriber(ws));
    }

    /** The connection closed: everything it held is released, its slot included (once, whatever else reported its end). */
    public void closed(WsContext ws) {
        subscribers.remove(ws.sessionId());
        releaseSlot(ws.sessionId());
    }

    /**
     * The connection failed (Jetty reports it closed too, after): released like {@link #closed}. A
     * message over {@link #MAX_REQUEST_BYTES} ends a connection this way (Jetty closes it with 1009).
     */
    public void failed(WsContext ws, Throwable error) {
        subscribers.remove(ws.sessionId());
        if (releaseSlot(ws.sessionId()) && error instanceof MessageTooLargeException) {
            LOG.info("closed stream connection {}: {}", ws.sessionId(), error.getMessage());
            metrics.streamClosed(NodeMetrics.StreamClosure.MESSAGE_TOO_LARGE);
        }
    }

    private boolean takeSlot() {
        for (int n = open.get(); n < maxConnections; n = open.get()) {
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Releases the connection's slot if it still holds one; true if it did. */
    private boolean releaseSlot(String sessionId) {
        if (admitted.remove(sessionId)) {
            open.decrementAndGet();
            return true;
        }
        return false;
    }

    private String connectionLimitMessage() {
        return "the node serves at most " + maxConnections + " stream connections at once; try again later";
    }

    /**
     * A client message: {@code {"op":"subscribe"|"unsubscribe","channel":"depth"|"trades"|"orders"|"liquidations",…}},
     * or a signed transaction {@code {"op":"tx","id":…,"tx":{…}}}, which {@code orders} takes.
     */
    public void message(WsContext ws, String text, TxService orders) {
        Subscriber s = subscribers.get(ws.sessionId());
        if (s == null) {
            return; // closed or dropped: nothing to answer
        }
        StreamTxRequest tx;
        try {
            tx = StreamTxRequest.parse(text);
        } catch (StreamTxRequest.Malformed e) {
            send(s, StreamTxRequest.result(e.idJson, orders.refused(RejectCode.MALFORMED, e.getMessage())));
            return;
        }
        if (tx != null) {
            submit(s, tx, orders);
            return;
        }
        if (text.length() > MAX_SUBSCRIPTION_BYTES) {
            sendError(s, RejectCode.TOO_LARGE, "a request other than a transaction is at most " + MAX_SUBSCRIPTION_BYTES
                    + " characters");
            return;
        }
        if (s.queuedRequests.incrementAndGet() > MAX_QUEUED_REQUESTS) {
            drop(s, NodeMetrics.StreamClosure.TOO_MANY_REQUESTS, StatusCode.POLICY_VIOLATION,
                    "too many requests: more than " + MAX_QUEUED_REQUESTS + " waiting");
            return;
        }
        thread.execute(() -> {
            s.queuedRequests.decrementAndGet();
            if (subscribers.get(s.id) == s) {
                handle(s, text);
            }
        });
    }

    /**
     * On the connection's thread: hands the transaction to {@code orders} unless the connection has
     * too many waiting, and sends its answer when it comes (from whichever thread completes it).
     */
    private void submit(Subscriber s, StreamTxRequest tx, TxService orders) {
        int bytes = tx.body().length;
        if (bytes > NodeConfig.MAX_TX_BODY_BYTES) {
            send(s, StreamTxRequest.result(tx.idJson(), orders.refused(RejectCode.TOO_LARGE,
                    "the transaction is larger than " + NodeConfig.MAX_TX_BODY_BYTES + " bytes")));
            return;
        }
        int waiting = s.txsInFlight.incrementAndGet();
        long waitingBytes = s.txBytesInFlight.addAndGet(bytes);
        if (waiting > MAX_TXS_IN_FLIGHT || waitingBytes > MAX_TX_BYTES_IN_FLIGHT) {
            s.txsInFlight.decrementAndGet();
            s.txBytesInFlight.addAndGet(-bytes);
            send(s, StreamTxRequest.result(tx.idJson(), orders.refused(RejectCode.OVERLOADED, "this connection has "
                    + MAX_TXS_IN_FLIGHT + " transactions (or " + MAX_TX_BYTES_IN_FLIGHT + " bytes of them) waiting for"
                    + " their answers; send more once some are answered")));
            return;
        }
        orders.submit(tx.body(), false).whenComplete((answer, failure) -> {
            s.txsInFlight.decrementAndGet();
            s.txBytesInFlight.addAndGet(-bytes);
            TxService.Answer a = failure == null ? answer : orders.refused(RejectCode.OVERLOADED, String.valueOf(failure));
            send(s, StreamTxRequest.result(tx.idJson(), a));
        });
    }

    /** A committed block's events, from the producer. */
    public void publish(BlockEvents events) {
        thread.execute(() -> broadcast(events));
    }

    /** Connections served: open and not dropped (for tests). */
    int connections() {
        return subscribers.size();
    }

    /** Connections holding a slot: accepted and not yet closed, dropped ones until they are (the gauge). */
    public int openConnections() {
        return open.get();
    }

    /** Subscriptions held by all open connections, counted on the hub's thread (for tests). */
    int subscriptions() throws InterruptedException, java.util.concurrent.ExecutionException {
        return thread.submit(() -> subscribers.values().stream().mapToInt(Subscriber::subscriptions).sum()).get();
    }

    /**
     * On the hub's thread, every ping interval: closes each connection whose peer has sent nothing,
     * not even a pong, since the pings that span the idle timeout, and pings the others. A dead peer
     * is found here, not by Jetty's idle timer, which each ping written resets.
     */
    private void pingAll() {
        for (Subscriber s : subscribers.values()) {
            long in = s.bytesIn.getAsLong();
            if (in != s.bytesInAtPing) {
                s.bytesInAtPing = in;
                s.unansweredPings = 0;
            } else if (s.unansweredPings >= unansweredPingsAllowed) {
                drop(s, NodeMetrics.StreamClosure.UNRESPONSIVE, StatusCode.SHUTDOWN,
                        "no answer to pings for " + idleTimeout.toMillis() + " ms");
                continue;
            }
            try {
                // A control frame, outside the unwritten-message bounds: Jetty sends it ahead of queued messages.
                s.ws.session.sendPing(NO_PAYLOAD.duplicate(), Callback.NOOP);
                s.unansweredPings++;
            } catch (RuntimeException e) {
                LOG.debug("dropping stream subscriber {}: {}", s.id, e.toString());
                subscribers.remove(s.id, s);
            }
        }
    }

    /** How many bytes the connection has received, as Jetty's WebSocket connection counts them. */
    private static LongSupplier bytesReceived(Session session) {
        if (session instanceof WebSocketSession jetty && jetty.getCoreSession() instanceof WebSocketCoreSession core) {
            return () -> {
                WebSocketConnection c = core.getConnection();
                return c == null ? 0 : c.getBytesIn();
            };
        }
        throw new IllegalStateException("not a Jetty WebSocket session: " + session.getClass().getName());
    }

    private void handle(Subscriber s, String text) {
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
                // As in a path: an integer up to the largest u32, else malformed; one past 2^31 - 1 is unknown.
                JsonNode m = msg.get("market");
                if (m == null || !m.isIntegralNumber() || !m.canConvertToLong() || m.longValue() < 0
                        || m.longValue() > ApiServer.MAX_MARKET_ID) {
                    sendError(s, RejectCode.MALFORMED, "channel \"" + channel + "\" needs a \"market\" id: an integer from 1 to "
                            + ApiServer.MAX_MARKET_ID + ", not " + (m == null ? "none" : m.toString()));
                    return;
                }
                MarketView view = m.longValue() > Integer.MAX_VALUE ? null : latest.market(m.intValue());
                if (view == null) {
                    sendError(s, RejectCode.UNKNOWN_MARKET, "market " + m.longValue() + " does not exist");
                    return;
                }
                int market = m.intValue();
                boolean held = channel.equals("trades") ? s.trades.contains(market) : s.depth.containsKey(market);
                if (subscribe && !held && refuseIfFull(s)) {
                    return;
                }
                if (channel.equals("trades")) {
                    if (subscribe) {
                        s.trades.add(market);
                    } else {
                        s.trades.remove(market);
                    }
                    ack(s, op, channel, msg, null);
                } else if (subscribe) {
                    ack(s, op, channel, msg, null);
                    s.depth.put(market, view.height());
                    send(s, depthSnapshot(view));
                } else {
                    s.depth.remove(market);
                    ack(s, op, channel, msg, null);
                }
            }
            case "orders" -> {
                String given = msg.path("account").asText("");
                if (!AccountRecord.isNameForm(given)) {
                    sendError(s, RejectCode.MALFORMED, "channel \"orders\" needs an \"account\": a name (1 to 64 of"
                            + " [A-Za-z0-9_.-], as every account is named) or a hex public key");
                    return;
                }
                // A public key in either case is one subscription, to the account's name (its lower-case hex).
                AccountRecord a = AccountNames.find(queries, given);
                String account = AccountNames.name(a, given);
                if (subscribe) {
                    if (!s.accounts.containsKey(account) && refuseIfFull(s)) {
                        return;
                    }
                    s.accounts.put(account, a == null ? -1L : a.accountId());
                } else {
                    s.accounts.remove(account);
                }
                ack(s, op, channel, msg, account);
            }
            case "liquidations" -> {
                if (subscribe && !s.liquidations && refuseIfFull(s)) {
                    return;
                }
                s.liquidations = subscribe;
                ack(s, op, channel, msg, null);
            }
            default -> sendError(s, RejectCode.MALFORMED,
                    "\"channel\" must be \"depth\", \"trades\", \"orders\" or \"liquidations\"");
        }
    }

    /** Refuses a new subscription (with an error, changing nothing) when the connection holds the most it may. */
    private boolean refuseIfFull(Subscriber s) {
        if (s.subscriptions() < MAX_SUBSCRIPTIONS) {
            return false;
        }
        sendError(s, RejectCode.NOT_ALLOWED, "a connection holds at most " + MAX_SUBSCRIPTIONS
                + " subscriptions: unsubscribe from one first, or open another connection");
        return true;
    }

    private void broadcast(BlockEvents e) {
        latest = e.after();
        if (subscribers.isEmpty()) {
            return;
        }
        // Each message is built once, and only when some connection follows its channel: a node whose
        // stream connections only send transactions builds none.
        TreeMap<Integer, String> tradeMessages = new TreeMap<>();
        List<RiskEvent> steps = e.riskEvents().stream().filter(r -> !(r instanceof RiskEvent.Funding)).toList();
        String liquidationsMessage = null;
        TreeMap<Long, List<OrderUpdate>> updatesByAccount = null;
        Map<String, Long> updatedByName = null;
        for (Subscriber s : subscribers.values()) {
            for (Map.Entry<Integer, Long> d : s.depth.entrySet()) {
                BlockEvents.DepthChange change = e.depth().get(d.getKey());
                if (change == null || d.getValue() >= e.height()) {
                    continue;
                }
                send(s, depthDiff(d.getKey(), e.height(), d.getValue(), change));
                d.setValue(e.height());
            }
            for (int market : s.trades) {
                List<Trade> trades = e.trades().get(market);
                if (trades != null) {
                    send(s, tradeMessages.computeIfAbsent(market, m -> tradesMessage(m, e.height(), trades)));
                }
            }
            if (s.liquidations && !steps.isEmpty()) {
                if (liquidationsMessage == null) {
                    liquidationsMessage = liquidationsMessage(e.height(), steps);
                }
                send(s, liquidationsMessage);
            }
            if (s.accounts.isEmpty()) {
                continue;
            }
            if (updatesByAccount == null) {
                updatesByAccount = new TreeMap<>();
                for (OrderUpdate u : e.orderUpdates()) {
                    updatesByAccount.computeIfAbsent(u.accountId(), k -> new ArrayList<>()).add(u);
                }
            }
            if (updatesByAccount.isEmpty() && steps.isEmpty()) {
                continue; // no order updates: nothing to send, and no account not yet known worth a state read
            }
            for (Map.Entry<String, Long> a : s.accounts.entrySet()) {
                if (a.getValue() < 0) {
                    // An account that did not exist at the subscription: it has something to send only
                    // once it has an order update, so only the block's updated accounts are looked at
                    // (one read each per block, however many subscriptions wait).
                    if (updatedByName == null) {
                        updatedByName = new TreeMap<>();
                        for (long id : updatesByAccount.keySet()) {
                            AccountRecord rec = queries.account(id);
                            if (rec != null) {
                                updatedByName.put(rec.name(), id);
                            }
                        }
                    }
                    Long found = updatedByName.get(a.getKey());
                    if (found == null) {
                        continue;
                    }
                    a.setValue(found);
                }
                long id = a.getValue();
                List<OrderUpdate> mine = updatesByAccount.getOrDefault(id, List.of());
                List<RiskEvent> itsSteps = steps.stream().filter(r -> RiskEvent.concerns(r, id)).toList();
                if (!mine.isEmpty() || !itsSteps.isEmpty()) {
                    send(s, ordersMessage(a.getKey(), id, e.height(), mine, itsSteps));
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

    /** An account's order updates, and the liquidation steps that concern it (only when there are some). */
    static String ordersMessage(String account, long accountId, long height, List<OrderUpdate> updates,
                                List<RiskEvent> liquidationSteps) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("channel", "orders");
        n.put("account", account);
        n.put("accountId", accountId);
        n.put("height", height);
        ArrayNode a = n.putArray("orders");
        for (OrderUpdate u : updates) {
            a.add(JsonViews.orderUpdate(u));
        }
        if (!liquidationSteps.isEmpty()) {
            ArrayNode l = n.putArray("liquidations");
            for (RiskEvent r : liquidationSteps) {
                l.add(JsonViews.riskEvent(r));
            }
        }
        return n.toString();
    }

    /** Every step of a block's liquidations, in order. */
    static String liquidationsMessage(long height, List<RiskEvent> steps) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("channel", "liquidations");
        n.put("height", height);
        ArrayNode a = n.putArray("events");
        for (RiskEvent r : steps) {
            a.add(JsonViews.riskEvent(r));
        }
        return n.toString();
    }

    /** Acknowledges a subscription change; {@code account}, when given, is the account's name as the channel uses it. */
    private void ack(Subscriber s, String op, String channel, JsonNode msg, String account) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("op", op.equals("subscribe") ? "subscribed" : "unsubscribed");
        n.put("channel", channel);
        if (msg.has("market")) {
            n.set("market", msg.get("market"));
        }
        if (account != null) {
            n.put("account", account);
        } else if (msg.has("account")) {
            n.set("account", msg.get("account"));
        }
        n.put("height", latest.height());
        send(s, n.toString());
    }

    private void sendError(Subscriber s, RejectCode code, String message) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("op", "error");
        n.put("code", ApiCodes.name(code));
        n.put("message", message);
        send(s, n.toString());
    }

    /**
     * Sends unless the connection is closed or already holds too much unwritten; then drops it.
     * Called by the stream's thread and, for transactions' answers, by others: a connection's
     * messages go out whole, one at a time.
     */
    private void send(Subscriber s, String text) {
        if (subscribers.get(s.id) != s) {
            return; // closed or dropped
        }
        Session session = s.ws.session;
        if (!session.isOpen()) {
            subscribers.remove(s.id, s);
            return;
        }
        if (s.pendingMessages.get() >= MAX_PENDING_MESSAGES || s.pendingChars.get() > MAX_PENDING_CHARS) {
            drop(s, NodeMetrics.StreamClosure.TOO_SLOW, StatusCode.POLICY_VIOLATION, "too slow: more than " + MAX_PENDING_MESSAGES + " messages or "
                    + MAX_PENDING_CHARS + " characters unread");
            return;
        }
        int chars = text.length();
        s.pendingMessages.incrementAndGet();
        s.pendingChars.addAndGet(chars);
        Runnable written = () -> {
            s.pendingMessages.decrementAndGet();
            s.pendingChars.addAndGet(-chars);
        };
        try {
            synchronized (s) {
                session.sendText(text, Callback.from(written, failure -> written.run()));
            }
        } catch (RuntimeException e) {
            LOG.debug("dropping stream subscriber {}: {}", s.id, e.toString());
            subscribers.remove(s.id, s);
        }
    }

    /**
     * Closes a connection that broke a bound (1008) or stopped answering (1001), with the reason, and
     * releases its subscriptions at once. What it already has queued is written ahead of the close
     * frame, or discarded once the connection has made no progress for {@link #DROP_GRACE}.
     */
    private void drop(Subscriber s, NodeMetrics.StreamClosure why, int status, String reason) {
        if (subscribers.remove(s.id, s)) {
            LOG.info("closing stream connection {}: {}", s.id, reason);
            metrics.streamClosed(why);
            s.ws.session.setIdleTimeout(DROP_GRACE);
            s.ws.session.close(status, reason, Callback.NOOP);
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
