package io.dexnode.node.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.jmt.ics23.Ics23Json;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.BlockProducer;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketDataPublisher;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.NodeUnavailableException;
import io.dexnode.node.producer.Trade;
import io.dexnode.node.producer.TxOutcome;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP + WebSocket API (docs/API.md). Reads come from committed state ({@link StateQueries},
 * the store's proofs and block records) and from the producer's published {@link MarketData};
 * writes go through {@link TxAdmission} to the {@link BlockProducer} and are answered once their
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
    /** Request attribute: a handler wrote the JSON answer (so the 404 fallback must not replace it). */
    private static final String ANSWERED = "dexnode.answered";
    private static final int DEFAULT_LEVELS = 50;
    private static final int MAX_LEVELS = 100_000;
    private static final int MAX_LIST = 1000;
    /** Threads besides one per connection: Jetty's acceptor and selectors, and headroom. */
    private static final int SERVER_THREADS = 32;
    private static final int MIN_THREADS = 8;
    /** An idle request thread above the minimum ends after this long. */
    private static final int THREAD_IDLE_MS = 60_000;

    private final StateStore store;
    private final StateQueries queries;
    private final TxAdmission admission;
    private final NodeMetrics metrics;
    private final NodeHealth health;
    private final Javalin app;
    /** What the API serves from once the books are recovered ({@link #attach}); null until then. */
    private volatile Serving serving;

    private record Serving(BlockProducer producer, MarketDataPublisher marketData, StreamHub stream) {
    }

    /**
     * An API that answers health and metrics at once and everything else with 503 until
     * {@link #attach} hands it the producer, the market data and the stream: the node serves
     * while it recovers, so probes see it recovering rather than refusing connections.
     */
    public ApiServer(StateStore store, TxAdmission admission, int maxConnections, NodeMetrics metrics, NodeHealth health) {
        this.store = store;
        this.queries = new StateQueries(store);
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
            });
            cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ContextJsonErrors()));
            cfg.routes.beforeMatched(ctx -> {
                if (serving == null && !ctx.path().equals("/metrics") && !ctx.path().startsWith("/health")) {
                    throw recovering();
                }
                requireDecodableQuery(ctx);
            });
            cfg.routes.wsBeforeUpgrade(ctx -> {
                Serving s = serving;
                if (s == null) {
                    throw recovering();
                }
                s.stream().requireRoomForConnection();
            });
            cfg.routes.post("/v1/tx", this::postTx);
            cfg.routes.get("/v1/chain", this::chain);
            cfg.routes.get("/v1/markets", this::markets);
            cfg.routes.get("/v1/markets/{id}", this::market);
            cfg.routes.get("/v1/markets/{id}/depth", this::depth);
            cfg.routes.get("/v1/markets/{id}/trades", this::trades);
            cfg.routes.get("/v1/orders/{id}", this::order);
            cfg.routes.get("/v1/accounts/{who}", this::account);
            cfg.routes.get("/v1/accounts/{who}/orders", this::accountOrders);
            cfg.routes.get("/v1/blocks/{height}", this::block);
            cfg.routes.get("/v1/state", this::state);
            cfg.routes.get("/v1/proof", this::proof);
            cfg.routes.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
            cfg.routes.get("/health/live", ctx -> json(ctx, 200, "{\"status\":\"live\"}"));
            cfg.routes.get("/health/ready", this::ready);
            cfg.routes.get("/health", this::ready); // DESIGN.md §8 names the bare path: it answers as readiness
            cfg.routes.ws("/v1/stream", ws -> {
                ws.onConnect(ctx -> serving().stream().connected(ctx));
                ws.onMessage(ctx -> serving().stream().message(ctx, ctx.message()));
                ws.onClose(ctx -> serving().stream().closed(ctx));
                ws.onError(ctx -> serving().stream().failed(ctx, ctx.error()));
            });
            cfg.routes.exception(ApiException.class, (e, ctx) -> reject(ctx, e.code(), e.getMessage()));
            cfg.routes.exception(NodeUnavailableException.class, (e, ctx) -> reject(ctx, RejectCode.OVERLOADED, e.getMessage()));
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
    public void attach(BlockProducer producer, MarketDataPublisher marketData, StreamHub stream) {
        serving = new Serving(producer, marketData, stream);
    }

    private Serving serving() {
        Serving s = serving;
        if (s == null) {
            throw recovering();
        }
        return s;
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

    // ---------------------------------------------------------------- writes

    private void postTx(Context ctx) {
        byte[] body = txBody(ctx);
        Tx tx = admission.admit(body);
        CompletableFuture<TxOutcome> answer = serving().producer().submit(tx);
        ctx.future(() -> answer.handle((outcome, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                reject(ctx, RejectCode.OVERLOADED, cause.getMessage());
            } else if (!outcome.result().accepted()) {
                RejectCode code = outcome.result().rejection().code();
                json(ctx, ApiCodes.httpStatus(code), JsonViews.error(code, outcome.result().rejection().message()));
            } else {
                json(ctx, 200, JsonViews.accepted(outcome.height(), outcome.result()).toString());
            }
            return null;
        }));
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
        n.put("requireChainId", admission.requireChainId());
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

    private void trades(Context ctx) {
        MarketView view = view(ctx);
        int limit = intParam(ctx, "limit", 100, 1, MAX_LIST);
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("market", view.params().marketId());
        n.put("height", view.height());
        ArrayNode a = n.putArray("trades");
        List<Trade> trades = view.trades();
        for (int i = 0; i < trades.size() && i < limit; i++) {
            a.add(JsonViews.trade(trades.get(i)));
        }
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
        OrderRecord o = queries.order(id);
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
        List<OrderRecord> open = queries.ordersOfAccount(a.accountId(), OrderStatus.ACTIVE, MAX_LIST);
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
        int limit = intParam(ctx, "limit", MAX_LIST, 1, MAX_LIST);
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("accountId", a.accountId());
        n.put("name", a.name());
        ArrayNode orders = n.putArray("orders");
        LongFunction<String> names = names();
        for (OrderRecord o : queries.ordersOfAccount(a.accountId(), status, limit)) {
            orders.add(JsonViews.order(o, names));
        }
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
        StateProof p = store.getWithProof(key, height);
        HexFormat hex = HexFormat.of();
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("key", hex.formatHex(key));
        n.put("value", p.value() == null ? null : hex.formatHex(p.value()));
        n.put("exists", p.exists());
        n.put("height", p.version());
        n.put("root", hex.formatHex(p.root()));
        n.set("ics23", p.ics23() == null ? null : JsonViews.parse(Ics23Json.render(p.ics23())));
        n.put("ics23Protobuf", p.ics23() == null ? null : hex.formatHex(Ics23Protobuf.encode(p.ics23())));
        json(ctx, 200, n.toString());
    }

    // ---------------------------------------------------------------- health

    private void ready(Context ctx) {
        String reason = health.reason();
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("status", reason == null ? "ready" : "not_ready");
        n.put("height", store.latestVersion());
        if (reason != null) {
            n.put("reason", reason);
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
