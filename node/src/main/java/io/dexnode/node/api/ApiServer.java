package io.dexnode.node.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.history.ArchiveBlock;
import io.dexnode.engine.history.HistoryQueries;
import io.dexnode.engine.history.TradeRecord;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.jmt.ics23.Ics23Json;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.engine.tx.Tx;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketDataPublisher;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.NodeUnavailableException;
import io.dexnode.node.producer.Trade;
import io.dexnode.node.producer.TxOutcome;
import io.dexnode.node.web.WebAssets;
import io.dexnode.state.StateException;
import io.dexnode.state.StateProof;
import io.dexnode.state.StateStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP + WebSocket API (docs/API.md). Reads come from committed state ({@link StateQueries},
 * the store's proofs and block records) and from the producer's published {@link MarketData};
 * writes go through {@link TxService} (admission, then the block producer or the leader) and are answered once their
 * block is committed. Never touches the engine.
 */
public final class ApiServer implements AutoCloseable {
    /**
     * Javalin's bound on a body read through the context, for any route that reads one that way;
     * a transaction's body is read by {@link #txBody} under its own bounds.
     */
    private static final long MAX_REQUEST_BYTES = 1L << 20;
    /** An oversized transaction body up to this size is read and discarded so its sender sees the 413. */
    private static final long MAX_DRAINED_BYTES = 16L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String JSON = "application/json";
    /** The committed height of this node when it served a request: the answer reflects at least that block. */
    public static final String HEIGHT_HEADER = "X-Dexnode-Height";
    /** Marks a transaction a cluster follower forwarded to this node (it is never forwarded again). */
    public static final String FORWARDED_BY = "X-Dexnode-Forwarded-By";
    /** Request attribute: a handler wrote the JSON answer (so the 404 fallback must not replace it). */
    private static final String ANSWERED = "dexnode.answered";
    private static final int DEFAULT_LEVELS = 50;
    private static final int MAX_LEVELS = 100_000;
    private static final int MAX_LIST = 1000;
    /** A page's size when the request names none. */
    private static final int DEFAULT_PAGE = 100;
    /** Threads besides one per connection: Jetty's acceptor and selectors, and headroom. */
    private static final int SERVER_THREADS = 32;
    private static final int MIN_THREADS = 8;
    /** An idle request thread above the minimum ends after this long. */
    private static final int THREAD_IDLE_MS = 60_000;

    private final StateStore store;
    private final StateQueries queries;
    private final HistoryQueries history;
    private final TxAdmission admission;
    private final String genesisHash;
    private final NodeMetrics metrics;
    private final NodeHealth health;
    private final Javalin app;
    /** Counts the requests being answered, so that a halting node lets them finish ({@link #awaitQuiet}). */
    private final StatisticsHandler requests = new StatisticsHandler();
    /** What the API serves from once the books are recovered ({@link #attach}); null until then. */
    private volatile Serving serving;

    private record Serving(TxService txs, MarketDataPublisher marketData, StreamHub stream, Supplier<ObjectNode> cluster) {
    }

    /**
     * An API that answers health and metrics at once and everything else with 503 until
     * {@link #attach} hands it the producer, the market data and the stream: the node serves
     * while it recovers, so probes see it recovering rather than refusing connections.
     */
    public ApiServer(StateStore store, TxAdmission admission, String genesisHash, int maxConnections, NodeMetrics metrics,
                     NodeHealth health) {
        this.genesisHash = genesisHash;
        this.store = store;
        this.queries = new StateQueries(store);
        this.history = new HistoryQueries(store);
        this.admission = admission;
        this.metrics = metrics;
        this.health = health;
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            // A thread for every connection the server may hold: a client that starts a body and
            // stalls blocks a thread of its own, not one of a fixed pool that every request shares.
            // (Virtual threads did that too, but left single requests waiting over a second under load.)
            QueuedThreadPool threads = new QueuedThreadPool(maxConnections + SERVER_THREADS, MIN_THREADS, THREAD_IDLE_MS);
            threads.setName("dexnode-http");
            cfg.jetty.threadPool = threads;
            // What Jetty refuses before any route sees it (a bad percent-escape or Content-Length,
            // a request line or headers too long) gets the API's error shape, not an HTML page.
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new ServerJsonErrors());
                // Past this many open sockets Jetty stops accepting until one closes: clients cannot
                // take every file descriptor, which RocksDB needs to open its files.
                server.addBean(new NetworkConnectionLimit(maxConnections, server));
                // The usual POST /v1/tx is served ahead of the router (HttpTxDoor); Javalin puts its own
                // handler inside the innermost wrapper, so everything else reaches it as before.
                requests.setHandler(new HttpTxDoor(this::transactionsIfServing, health::height));
                server.setHandler(requests);
            });
            cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ContextJsonErrors()));
            cfg.routes.beforeMatched(ctx -> {
                if (ctx.path().equals("/v1/cluster")) {
                    serving(); // a stopped replica still says who it is and who leads
                } else if (!ctx.path().equals("/metrics") && !ctx.path().startsWith("/health") && !WebAssets.isPagePath(ctx.path())) {
                    requireServing();
                }
                requireDecodableQuery(ctx);
                // Every answer names the committed height it reflects at least (a follower may trail the leader).
                ctx.header(HEIGHT_HEADER, Long.toString(health.height()));
            });
            cfg.routes.wsBeforeUpgrade(ctx -> requireServing().stream().requireRoomForConnection());
            cfg.routes.post("/v1/tx", this::postTx);
            cfg.routes.get("/v1/chain", this::chain);
            cfg.routes.get("/v1/cluster", ctx -> json(ctx, 200, serving().cluster().get().toString()));
            cfg.routes.get("/v1/markets", this::markets);
            cfg.routes.get("/v1/markets/{id}", this::market);
            cfg.routes.get("/v1/markets/{id}/depth", this::depth);
            cfg.routes.get("/v1/markets/{id}/trades", this::trades);
            cfg.routes.get("/v1/orders/{id}", this::order);
            cfg.routes.get("/v1/accounts/{who}", this::account);
            cfg.routes.get("/v1/accounts/{who}/orders", this::accountOrders);
            cfg.routes.get("/v1/accounts/{who}/fills", this::accountFills);
            cfg.routes.get("/v1/archive/{height}", this::archive);
            cfg.routes.get("/v1/blocks/{height}", this::block);
            cfg.routes.get("/v1/state", this::state);
            cfg.routes.get("/v1/proof", this::proof);
            cfg.routes.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
            cfg.routes.get("/health/live", ctx -> json(ctx, 200, "{\"status\":\"live\"}"));
            cfg.routes.get("/health/ready", this::ready);
            cfg.routes.get("/health", this::ready); // DESIGN.md §8 names the bare path: it answers as readiness
            WebAssets page = new WebAssets(); // the trading page (docs/WEB.md), served while recovering too
            cfg.routes.get("/", page::page);
            cfg.routes.get(WebAssets.PREFIX + "{file}", page::file);
            cfg.routes.ws("/v1/stream", ws -> {
                ws.onConnect(ctx -> serving().stream().connected(ctx));
                ws.onMessage(ctx -> {
                    Serving serving = serving();
                    serving.stream().message(ctx, ctx.message(), serving.txs());
                });
                ws.onClose(ctx -> serving().stream().closed(ctx));
                ws.onError(ctx -> serving().stream().failed(ctx, ctx.error()));
            });
            cfg.routes.exception(ApiException.class, (e, ctx) -> reject(ctx, e.code(), e.getMessage()));
            cfg.routes.exception(NodeUnavailableException.class, (e, ctx) -> reject(ctx, RejectCode.OVERLOADED, e.getMessage()));
            cfg.routes.exception(StateException.class, (e, ctx) -> {
                // The store refuses reads once a write failed (the node is halting) or it closed: unavailable, not a bug here.
                LOG.warn("{} {}: the state store cannot answer: {}", ctx.method(), ctx.path(), e.getMessage());
                reject(ctx, RejectCode.OVERLOADED, "the node cannot read its state: " + e.getMessage());
            });
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 404) {
                    json(ctx, 404, JsonViews.error("not_found", "no such endpoint: " + ctx.method() + " " + ctx.path()));
                } else {
                    json(ctx, e.getStatus(), JsonViews.error(httpCode(e.getStatus()), e.getMessage()));
                }
            });
            cfg.routes.exception(org.eclipse.jetty.http.HttpException.RuntimeException.class, ApiServer::refusedByJetty);
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                json(ctx, 500, JsonViews.error("internal", "internal error: " + e));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.attribute(ANSWERED) == null) {
                    json(ctx, 404, JsonViews.error("not_found", "no such endpoint: " + ctx.method() + " " + ctx.path()));
                }
            });
        });
    }

    /** Starts serving; port 0 picks an ephemeral port. */
    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    /** From now on every route is served: the books are recovered and the producer runs. */
    public void attach(TxService txs, MarketDataPublisher marketData, StreamHub stream, Supplier<ObjectNode> cluster) {
        serving = new Serving(txs, marketData, stream, cluster);
    }

    /** The transaction service when this node takes transactions now, else null (the router then answers why not). */
    private TxService transactionsIfServing() {
        Serving s = serving;
        return s == null || health.isHalted() || health.isReplicaStopped() ? null : s.txs();
    }

    private Serving serving() {
        Serving s = serving;
        if (s == null) {
            throw recovering();
        }
        return s;
    }

    /**
     * What a route other than health and metrics needs: recovered books, and a node that has not
     * halted (after a failed write the store refuses every read, and nothing should try one).
     */
    private Serving requireServing() {
        if (health.isHalted()) {
            throw new ApiException(RejectCode.OVERLOADED, "the node " + health.reason() + "; it must be restarted");
        }
        if (health.isReplicaStopped()) {
            throw new ApiException(RejectCode.OVERLOADED, "this " + health.reason()
                    + "; it serves no state until it is wiped and caught up from the others");
        }
        return serving();
    }

    private static ApiException recovering() {
        return new ApiException(RejectCode.OVERLOADED, "the node is recovering its order books; try again shortly");
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    /**
     * Waits until no request has been in progress for {@code quiet}, or {@code max} passed: a node
     * that halts lets the answers it is writing (503 to every waiting request, and to whatever
     * arrives meanwhile) reach their clients before its process ends.
     */
    public void awaitQuiet(Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long quietSince = System.nanoTime();
        try {
            while (System.nanoTime() - deadline < 0) {
                if (requests.getRequestsActive() > 0) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= quiet.toNanos()) {
                    return;
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- writes

    private void postTx(Context ctx) {
        byte[] body = txBody(ctx);
        CompletableFuture<TxService.Answer> answer = serving().txs().submit(body, ctx.header(FORWARDED_BY) != null);
        ctx.future(() -> answer.thenAccept(a -> json(ctx, a.status(), a.body())));
    }

    /**
     * The transaction body, at most {@link NodeConfig#MAX_TX_BODY_BYTES}, with or without a
     * Content-Length. A larger body is refused as too large, but first the rest of it is read and
     * discarded, up to {@link #MAX_DRAINED_BYTES}: answering and closing while the client still
     * sends would reset the connection under it, and it could see no answer at all. A declared
     * length past that bound, or a client waiting on Expect: 100-continue, is answered at once.
     * A body that ends before its Content-Length (the client stopped sending) is malformed.
     */
    private static byte[] txBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        boolean waitingToSend = "100-continue".equalsIgnoreCase(ctx.header("Expect"));
        if (declared > NodeConfig.MAX_TX_BODY_BYTES && (declared > MAX_DRAINED_BYTES || waitingToSend)) {
            throw tooLarge();
        }
        byte[] body;
        try {
            body = ctx.req().getInputStream().readNBytes(NodeConfig.MAX_TX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiException(RejectCode.MALFORMED, "the body could not be read: " + e.getMessage());
        }
        if (body.length > NodeConfig.MAX_TX_BODY_BYTES) {
            discardRest(ctx);
            throw tooLarge();
        }
        if (declared >= 0 && body.length < declared) {
            throw new ApiException(RejectCode.MALFORMED, "the body ended after " + body.length + " of its " + declared + " bytes");
        }
        return body;
    }

    private static void discardRest(Context ctx) {
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] sink = new byte[8192];
            long read = 0;
            for (int n; read < MAX_DRAINED_BYTES && (n = in.read(sink)) >= 0; ) {
                read += n;
            }
        } catch (IOException e) {
            // The client stopped sending: the answer is written if the connection still takes it.
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(RejectCode.TOO_LARGE, "the body is larger than " + NodeConfig.MAX_TX_BODY_BYTES + " bytes");
    }

    /**
     * Jetty refusing a request inside a route (a WebSocket upgrade without Sec-WebSocket-Key): the
     * client's fault, answered with Jetty's status rather than logged as a bug and answered 500.
     */
    private static void refusedByJetty(org.eclipse.jetty.http.HttpException.RuntimeException e, Context ctx) {
        if (e.getCode() >= 500) {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        }
        if (!"websocket".equalsIgnoreCase(ctx.header("Upgrade"))) {
            json(ctx, e.getCode(), JsonViews.error(httpCode(e.getCode()), e.getMessage()));
            return;
        }
        // Javalin writes no result for an upgrade request: the servlet's error page does (ContextJsonErrors).
        try {
            ctx.res().sendError(e.getCode(), e.getMessage());
        } catch (IOException gone) {
            LOG.debug("{} {}: the client left before its refusal", ctx.method(), ctx.path(), gone);
        }
    }

    /** Answers a refusal; only refused transactions count as rejections, not failed reads. */
    private void reject(Context ctx, RejectCode code, String message) {
        if (ctx.method() == HandlerType.POST && ctx.path().equals("/v1/tx")) {
            metrics.rejected(code);
        }
        json(ctx, ApiCodes.httpStatus(code), JsonViews.error(code, message));
    }

    // ---------------------------------------------------------------- markets

    private void chain(Context ctx) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("chainId", admission.chainId());
        n.put("genesisHash", genesisHash);
        n.put("requireChainId", admission.requireChainId());
        n.put("dev", admission.dev());
        n.put("height", store.latestVersion());
        json(ctx, 200, n.toString());
    }

    private void markets(Context ctx) {
        ArrayNode a = JsonViews.MAPPER.createArrayNode();
        for (MarketParams p : queries.markets()) {
            a.add(JsonViews.market(p, queries.marketStats(p.marketId()), queries.marketRisk(p.marketId())));
        }
        json(ctx, 200, a.toString());
    }

    private void market(Context ctx) {
        MarketParams p = queries.market(marketId(ctx));
        if (p == null) {
            throw unknownMarket(ctx);
        }
        json(ctx, 200, JsonViews.market(p, queries.marketStats(p.marketId()), queries.marketRisk(p.marketId())).toString());
    }

    private void depth(Context ctx) {
        MarketView view = view(ctx);
        int levels = intParam(ctx, "levels", DEFAULT_LEVELS, 1, MAX_LEVELS);
        json(ctx, 200, JsonViews.depth(view.depth(levels)));
    }

    /** A market's trades from the history, newest first, a page at a time. */
    private void trades(Context ctx) {
        MarketParams p = queries.market(marketId(ctx));
        if (p == null) {
            throw unknownMarket(ctx);
        }
        int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_LIST);
        Long before = cursorParam(ctx, "a trade id");
        long height = store.latestVersion();
        HistoryQueries.Page<TradeRecord> page = history.marketTrades(p.marketId(), before, limit);
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("market", p.marketId());
        n.put("height", height);
        ArrayNode a = n.putArray("trades");
        for (TradeRecord t : page.items()) {
            a.add(JsonViews.trade(t));
        }
        n.put("next", page.next());
        json(ctx, 200, n.toString());
    }

    private MarketView view(Context ctx) {
        MarketView view = serving().marketData().current().market(marketId(ctx));
        if (view == null) {
            throw unknownMarket(ctx);
        }
        return view;
    }

    private static ApiException unknownMarket(Context ctx) {
        return new ApiException(RejectCode.UNKNOWN_MARKET, "market " + ctx.pathParam("id") + " does not exist");
    }

    /**
     * The largest market id a request may name: ids are u32 (DESIGN.md §5). The engine creates only
     * ids up to 2^31 - 1, so larger ones are well formed but unknown. The stream's ids follow the same rule.
     */
    static final long MAX_MARKET_ID = 0xffff_ffffL;

    private static int marketId(Context ctx) {
        String id = ctx.pathParam("id");
        if (!id.matches("\\d{1,10}") || Long.parseLong(id) > MAX_MARKET_ID) {
            throw new ApiException(RejectCode.MALFORMED, "a market id is an integer from 1 to " + MAX_MARKET_ID + ", not \"" + id + "\"");
        }
        return (int) Long.parseLong(id);
    }

    // ---------------------------------------------------------------- orders and accounts

    private void order(Context ctx) {
        long id = longPath(ctx, "id", "an order id");
        HistoryQueries.OrderView o = history.order(id);
        if (o == null) {
            throw new ApiException(RejectCode.UNKNOWN_ORDER, "order " + id + " does not exist");
        }
        json(ctx, 200, JsonViews.order(o, names()).toString());
    }

    private void account(Context ctx) {
        AccountRecord a = findAccount(ctx);
        int[] markets = a.markets();
        PositionRecord[] held = queries.positions(a);
        StateQueries.AccountMargin margin = queries.margin(a, held);
        List<ObjectNode> positions = new ArrayList<>();
        for (int i = 0; i < held.length; i++) {
            positions.add(JsonViews.position(markets[i], held[i], margin.liquidationPrices()[i]));
        }
        List<OrderRecord> open = new ArrayList<>();
        history.accountOrders(a.accountId(), OrderStatus.ACTIVE, null, MAX_LIST).items().forEach(v -> open.add(v.order()));
        json(ctx, 200, JsonViews.account(a, margin, positions, open, names()).toString());
    }

    private void accountOrders(Context ctx) {
        AccountRecord a = findAccount(ctx);
        String s = ctx.queryParam("status");
        OrderStatus status = null;
        if (s != null && !s.isEmpty()) {
            status = switch (s) {
                case "active" -> OrderStatus.ACTIVE;
                case "filled" -> OrderStatus.FILLED;
                case "cancelled" -> OrderStatus.CANCELLED;
                default -> throw new ApiException(RejectCode.MALFORMED, "status is active, filled or cancelled, not \"" + s + "\"");
            };
        }
        int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_LIST);
        Long before = cursorParam(ctx, "an order id");
        HistoryQueries.Page<HistoryQueries.OrderView> page = history.accountOrders(a.accountId(), status, before, limit);
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("accountId", a.accountId());
        n.put("name", a.name());
        ArrayNode orders = n.putArray("orders");
        LongFunction<String> names = names();
        for (HistoryQueries.OrderView o : page.items()) {
            orders.add(JsonViews.order(o, names));
        }
        n.put("next", page.next());
        json(ctx, 200, n.toString());
    }

    /** An account's fills, newest first, a page at a time. */
    private void accountFills(Context ctx) {
        AccountRecord a = findAccount(ctx);
        int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_LIST);
        String before = ctx.queryParam("before");
        HistoryQueries.Page<TradeRecord> page;
        try {
            page = history.accountFills(a.accountId(), before == null || before.isEmpty() ? null : before, limit);
        } catch (IllegalArgumentException e) {
            throw new ApiException(RejectCode.MALFORMED, "before: " + e.getMessage());
        }
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("accountId", a.accountId());
        n.put("name", a.name());
        ArrayNode fills = n.putArray("fills");
        for (TradeRecord t : page.items()) {
            fills.add(JsonViews.trade(t));
        }
        n.put("next", page.next());
        json(ctx, 200, n.toString());
    }

    private AccountRecord findAccount(Context ctx) {
        String who = ctx.pathParam("who");
        AccountRecord a = AccountNames.find(queries, who);
        if (a == null && who.matches("\\d{1,18}")) {
            a = queries.account(Long.parseLong(who));
        }
        if (a == null) {
            throw new ApiException(RejectCode.UNKNOWN_ACCOUNT, "account \"" + who + "\" does not exist");
        }
        return a;
    }

    /** Account id to name, memoized for one request. */
    private LongFunction<String> names() {
        Map<Long, String> seen = new HashMap<>();
        return id -> seen.computeIfAbsent(id, k -> {
            AccountRecord a = queries.account(k);
            return a == null ? null : a.name();
        });
    }

    // ---------------------------------------------------------------- blocks, state, proofs

    private void block(Context ctx) {
        long h = longPath(ctx, "height", "a block height");
        BlockHeader header = BlockRecords.header(store, h);
        if (header == null) {
            json(ctx, 404, JsonViews.error("unknown_block", "block " + h + " does not exist (latest is "
                    + store.latestVersion() + ")"));
            return;
        }
        json(ctx, 200, JsonViews.block(header, BlockRecords.body(store, h)).toString());
    }

    /**
     * What block {@code height} moved to the archive, with the ICS23 proof of the archive head at
     * that height: a client checks the proof against the block's root and the records against the
     * head's records hash, and so trusts the archive without trusting the node.
     */
    private void archive(Context ctx) {
        long h = longPath(ctx, "height", "a block height");
        long latest = store.latestVersion();
        if (h < 1 || h > latest) {
            json(ctx, 404, JsonViews.error("unknown_block", "block " + h + " does not exist (latest is " + latest + ")"));
            return;
        }
        ArchiveBlock block = history.archiveBlock(h);
        StateProof proof = null;
        byte[] root = null;
        if (h >= store.oldestRetainedVersion()) {
            try {
                proof = store.getWithProof(new StateKey.ArchiveHead().encode(), h);
                root = proof.root();
            } catch (StateException e) {
                proof = null; // pruned while it was read: answered without a proof
            }
        }
        json(ctx, 200, JsonViews.archive(h, root, block, proof, names()).toString());
    }

    private void state(Context ctx) {
        long h = store.latestVersion();
        json(ctx, 200, JsonViews.state(h, h < 0 ? null : store.rootAt(h)).toString());
    }

    private void proof(Context ctx) {
        String keyHex = ctx.queryParam("key");
        String order = ctx.queryParam("order");
        byte[] key;
        if (keyHex != null && order == null) {
            try {
                key = HexFormat.of().parseHex(keyHex);
            } catch (IllegalArgumentException e) {
                throw new ApiException(RejectCode.MALFORMED, "key must be hex");
            }
            if (key.length == 0) {
                throw new ApiException(RejectCode.MALFORMED, "key must not be empty");
            }
        } else if (order != null && keyHex == null) {
            if (!order.matches("\\d{1,18}")) {
                throw new ApiException(RejectCode.MALFORMED, "order must be an order id");
            }
            key = new StateKey.Order(Long.parseLong(order)).encode();
        } else {
            throw new ApiException(RejectCode.MALFORMED, "give exactly one of ?key=<hex state key> or ?order=<id>");
        }
        long latest = store.latestVersion();
        long height = latest;
        String hp = ctx.queryParam("height");
        if (hp != null) {
            if (!hp.matches("\\d{1,18}") || Long.parseLong(hp) > latest || Long.parseLong(hp) < store.oldestRetainedVersion()) {
                throw new ApiException(RejectCode.MALFORMED, "height must be a retained version between "
                        + store.oldestRetainedVersion() + " and " + latest);
            }
            height = Long.parseLong(hp);
        }
        if (height < 0) {
            json(ctx, 404, JsonViews.error("unknown_block", "no state is committed yet"));
            return;
        }
        StateProof p;
        try {
            p = store.getWithProof(key, height);
        } catch (io.dexnode.state.StateException e) {
            // Pruned between the check above and the proof: the same answer as a pruned height.
            if (e.getMessage() != null && e.getMessage().contains(" pruned; oldest retained is ")) {
                throw new ApiException(RejectCode.MALFORMED, "height must be a retained version between "
                        + store.oldestRetainedVersion() + " and " + store.latestVersion() + " (" + e.getMessage() + ")");
            }
            throw e;
        }
        json(ctx, 200, JsonViews.proof(p).toString());
    }

    // ---------------------------------------------------------------- health

    /** Answers from {@link NodeHealth} alone: a node whose store failed still says so (503, halted). */
    private void ready(Context ctx) {
        String reason = health.reason();
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("status", reason == null ? "ready" : "not_ready");
        n.put("height", health.height());
        if (reason != null) {
            n.put("reason", reason);
        }
        NodeHealth.Divergence d = health.divergence();
        if (d != null) {
            n.put("mismatchHeight", d.height());
            n.put("root", d.root());
            n.put("leaderRoot", d.leaderRoot());
        }
        json(ctx, reason == null ? 200 : 503, n.toString());
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Jetty's own error answers as {@code {"code","message"}}: 400 malformed, 413/414/431 too_large.
     * The server's handler answers what fails before routing (a request line Jetty cannot parse);
     * the servlet context's, what fails inside it (a path that is not UTF-8).
     */
    private static final class ServerJsonErrors extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                        Callback callback) {
            writeJsonError(response, status, message, callback);
        }
    }

    /** {@link ServerJsonErrors} for the servlet context. */
    private static final class ContextJsonErrors extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                        Callback callback) {
            writeJsonError(response, status, message, callback);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                     List<Charset> charsets, int status, String message, Throwable cause) {
            writeJsonError(response, status, message, callback);
            return true;
        }
    }

    private static void writeJsonError(Response response, int status, String message, Callback callback) {
        String why = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.write(true, ByteBuffer.wrap(JsonViews.error(httpCode(status), why).getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The error code of a status Jetty chose. */
    /** The error code of an answer the router or Jetty gives by status alone: one mapping for both. */
    private static String httpCode(int status) {
        return switch (status) {
            case 400 -> ApiCodes.name(RejectCode.MALFORMED);
            case 404 -> "not_found";
            case 413, 414, 431 -> ApiCodes.name(RejectCode.TOO_LARGE);
            default -> status >= 500 ? "internal" : "http_" + status;
        };
    }

    private static void json(Context ctx, int status, String body) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        if (ctx.header("Sec-WebSocket-Version") == null) {
            ctx.status(status).contentType(JSON).result(body);
            return;
        }
        // Javalin serves a request with this header as a WebSocket upgrade and writes no result for
        // it: a refused upgrade (recovering, too many connections) is written to the response itself.
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType(JSON);
        res.setContentLength(bytes.length);
        try {
            res.getOutputStream().write(bytes);
        } catch (IOException gone) {
            LOG.debug("{} {}: the client left before its refusal", ctx.method(), ctx.path(), gone);
        }
    }

    /**
     * Javalin drops a query parameter whose value is not valid percent-encoding ({@code levels=%ZZ})
     * as if it were absent, which would answer with the default instead of refusing the parameter.
     */
    private static void requireDecodableQuery(Context ctx) {
        String query = ctx.queryString();
        if (query == null) {
            return;
        }
        try {
            URLDecoder.decode(query, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(RejectCode.MALFORMED, "the query string is not valid percent-encoding: " + e.getMessage());
        }
    }

    private static long longPath(Context ctx, String name, String what) {
        String v = ctx.pathParam(name);
        if (!v.matches("\\d{1,18}")) {
            throw new ApiException(RejectCode.MALFORMED, what + " is a non-negative integer, not \"" + v + "\"");
        }
        return Long.parseLong(v);
    }

    /** An optional {@code before} cursor that is an id: null when absent. */
    private static Long cursorParam(Context ctx, String what) {
        String v = ctx.queryParam("before");
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!v.matches("\\d{1,18}")) {
            throw new ApiException(RejectCode.MALFORMED, "before is " + what + " (a page's \"next\"), not \"" + v + "\"");
        }
        return Long.parseLong(v);
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        if (!v.matches("\\d{1,9}") || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            throw new ApiException(RejectCode.MALFORMED, name + " must be an integer between " + min + " and " + max);
        }
        return Integer.parseInt(v);
    }
}
