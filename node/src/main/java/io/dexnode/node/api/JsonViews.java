package io.dexnode.node.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.Depth;
import io.dexnode.engine.Fill;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.history.ArchiveBlock;
import io.dexnode.engine.history.HistoryQueries;
import io.dexnode.engine.history.TradeRecord;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.risk.FundingRate;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import io.dexnode.jmt.ics23.Ics23Json;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.state.StateProof;
import io.dexnode.node.producer.Trade;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;

/** The JSON shapes users and tests rely on (DESIGN.md §8 and docs/API.md), in one place. */
public final class JsonViews {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private JsonViews() {
    }

    /** {@code {"market":1,"height":h,"bids":[[price,size],…],"asks":[[price,size],…]}}, best first. */
    public static String depth(Depth d) {
        StringBuilder sb = new StringBuilder(64 + 24 * (d.bids().length + d.asks().length));
        sb.append("{\"market\":").append(d.market()).append(",\"height\":").append(d.height()).append(",\"bids\":");
        levels(sb, d.bids());
        sb.append(",\"asks\":");
        levels(sb, d.asks());
        return sb.append('}').toString();
    }

    static void levels(StringBuilder sb, long[][] levels) {
        sb.append('[');
        for (int i = 0; i < levels.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[').append(levels[i][0]).append(',').append(levels[i][1]).append(']');
        }
        sb.append(']');
    }

    public static ArrayNode levels(long[][] levels) {
        ArrayNode a = MAPPER.createArrayNode();
        for (long[] l : levels) {
            a.addArray().add(l[0]).add(l[1]);
        }
        return a;
    }

    /** {@code {"code":"<reject code>","message":…}}. */
    public static String error(RejectCode code, String message) {
        return error(ApiCodes.name(code), message);
    }

    /** {@code {"code":…,"message":…}} for refusals that are not transaction rejections (unknown endpoint, block). */
    public static String error(String code, String message) {
        return write(64 + message.length(), g -> {
            g.writeStartObject();
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeEndObject();
        });
    }

    /**
     * An accepted transaction's answer: height, type, and for orders id, status, remaining and
     * fills. A batch's has {@code "results"}, one per action in order: the action's answer as it
     * would be alone, or its refusal as {@code {"code","message","status"}} (the HTTP status it
     * would have had alone). Streamed, not built as a tree: every answer is written once.
     */
    public static String accepted(long height, TxResult r) {
        return write(160 + 96 * r.actions().size(), g -> writeAccepted(g, height, r));
    }

    private static void writeAccepted(JsonGenerator g, long height, TxResult r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("height", height);
        g.writeStringField("type", r.tx().type());
        switch (r.tx()) {
            case Tx.Place p -> writeOrder(g, r);
            case Tx.Cancel c -> writeOrder(g, r);
            case Tx.Amend a -> writeOrder(g, r);
            case Tx.Reduce x -> writeOrder(g, r);
            case Tx.CancelAll c -> g.writeNumberField("cancelled", r.remaining());
            case Tx.CreateMarket c -> g.writeNumberField("market", Integer.toUnsignedLong(c.params().marketId()));
            case Tx.Deposit d -> g.writeStringField("account", d.account());
            case Tx.Withdraw w -> g.writeStringField("account", w.account());
            case Tx.Batch b -> {
                g.writeArrayFieldStart("results");
                for (TxResult action : r.actions()) {
                    if (action.accepted()) {
                        writeAccepted(g, height, action);
                    } else {
                        RejectCode code = action.rejection().code();
                        g.writeStartObject();
                        g.writeStringField("code", ApiCodes.name(code));
                        g.writeStringField("message", action.rejection().message());
                        g.writeNumberField("status", ApiCodes.httpStatus(code));
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
            }
            case Tx.ChainParams c -> g.writeNumberField("archiveAfterBlocks", c.archiveAfterBlocks());
            case Tx.SetIndexPrice i -> {
                g.writeNumberField("market", i.market());
                g.writeNumberField("indexPrice", i.price());
            }
        }
        g.writeEndObject();
    }

    private static void writeOrder(JsonGenerator g, TxResult r) throws IOException {
        g.writeNumberField("orderId", r.orderId());
        if (r.status() == null) {
            g.writeNullField("status");
        } else {
            g.writeStringField("status", r.status().jsonName());
        }
        g.writeNumberField("remaining", r.remaining());
        g.writeArrayFieldStart("fills");
        for (Fill f : r.fills()) {
            g.writeStartObject();
            g.writeNumberField("market", f.market());
            g.writeNumberField("tradeId", f.tradeId());
            g.writeNumberField("price", f.price());
            g.writeNumberField("size", f.size());
            g.writeStringField("takerSide", TxJson.sideName(f.takerSide()));
            g.writeNumberField("makerOrderId", f.makerOrderId());
            g.writeNumberField("takerOrderId", f.takerOrderId());
            g.writeNumberField("makerAccountId", f.makerAccount());
            g.writeNumberField("takerAccountId", f.takerAccount());
            g.writeNumberField("makerFee", f.makerFee());
            g.writeNumberField("takerFee", f.takerFee());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** What a streamed view writes. */
    @FunctionalInterface
    private interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    private static String write(int sizeHint, Writing writing) {
        StringWriter out = new StringWriter(sizeHint);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            writing.to(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    public static ObjectNode fill(Fill f) {
        // the same fields, in the same order, as an order answer's fills (writeOrder)
        ObjectNode n = MAPPER.createObjectNode();
        n.put("market", f.market());
        n.put("tradeId", f.tradeId());
        n.put("price", f.price());
        n.put("size", f.size());
        n.put("takerSide", TxJson.sideName(f.takerSide()));
        n.put("makerOrderId", f.makerOrderId());
        n.put("takerOrderId", f.takerOrderId());
        n.put("makerAccountId", f.makerAccount());
        n.put("takerAccountId", f.takerAccount());
        n.put("makerFee", f.makerFee());
        n.put("takerFee", f.takerFee());
        return n;
    }

    public static ObjectNode trade(Trade t) {
        ObjectNode n = fill(t.fill());
        n.put("height", t.height());
        n.put("time", t.time());
        return n;
    }

    /** A trade from the history: the fill with its block's height and time. */
    public static ObjectNode trade(TradeRecord t) {
        ObjectNode n = fill(t.fill());
        n.put("height", t.height());
        n.put("time", t.time());
        return n;
    }

    /** An order, live or archived: {@code "archived"}, and for an archived one {@code "archivedHeight"}, the block that moved it. */
    public static ObjectNode order(HistoryQueries.OrderView v, LongFunction<String> accountName) {
        ObjectNode n = order(v.order(), accountName);
        n.put("archived", v.archived());
        if (v.archived()) {
            n.put("archivedHeight", v.archivedHeight());
        }
        return n;
    }

    /**
     * What a block moved to the archive and the proof that ties it to that block's root: the
     * orders (each with its final record's bytes as {@code "record"}), the archive head the block
     * wrote, and the ICS23 proof of the head's key at that height ({@code null} when the store no
     * longer keeps that version).
     */
    public static ObjectNode archive(long height, byte[] root, ArchiveBlock block, StateProof headProof,
                                     LongFunction<String> accountName) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("height", height);
        n.put("root", root == null ? null : HEX.formatHex(root));
        ArrayNode orders = n.putArray("orders");
        if (block != null) {
            for (OrderRecord o : block.orders()) {
                ObjectNode on = order(o, accountName);
                on.put("record", HEX.formatHex(o.encode()));
                orders.add(on);
            }
        }
        ArchiveHeadRecord head = headProof != null && headProof.value() != null ? ArchiveHeadRecord.decode(headProof.value())
                : block != null ? block.head() : null;
        n.set("head", head == null ? null : archiveHead(head));
        n.set("proof", headProof == null ? null : proof(headProof));
        return n;
    }

    public static ObjectNode archiveHead(ArchiveHeadRecord h) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("height", h.height());
        n.put("count", h.count());
        n.put("recordsHash", HEX.formatHex(h.recordsHash()));
        n.put("totalArchived", h.totalArchived());
        n.put("chain", HEX.formatHex(h.chain()));
        return n;
    }

    /** A state proof: key, value, whether it exists, height, root and the ICS23 proof as JSON and protobuf. */
    public static ObjectNode proof(StateProof p) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("key", HEX.formatHex(p.key()));
        n.put("value", p.value() == null ? null : HEX.formatHex(p.value()));
        n.put("exists", p.exists());
        n.put("height", p.version());
        n.put("root", HEX.formatHex(p.root()));
        n.set("ics23", p.ics23() == null ? null : parse(Ics23Json.render(p.ics23())));
        n.put("ics23Protobuf", p.ics23() == null ? null : HEX.formatHex(Ics23Protobuf.encode(p.ics23())));
        return n;
    }

    /**
     * A market: its parameters, trading statistics and risk state — index and mark price, the
     * insurance fund, and funding: {@code fundingRate} is the premium the next funding would pay
     * at the current mark and index, in parts per million of the index ({@code fundingPremium} in
     * quote atoms per base unit, paid by longs when positive).
     */
    public static ObjectNode market(MarketParams p, MarketStatsRecord s, MarketRiskRecord r) {
        ObjectNode n = market(p, s);
        n.put("liquidationFeeBps", p.liquidationFeeBps());
        n.put("fundingIntervalBlocks", p.fundingIntervalBlocks());
        n.put("fundingCapBps", p.fundingCapBps());
        n.put("indexPrice", r.indexPrice());
        n.put("indexHeight", r.indexHeight());
        n.put("markPrice", r.markPrice());
        n.put("insuranceFund", r.insuranceFund());
        long premium = p.fundingIntervalBlocks() == 0 ? 0 : FundingRate.premium(r.markPrice(), r.indexPrice(), p.fundingCapBps());
        n.put("fundingRate", FundingRate.ratePpm(premium, r.indexPrice()));
        n.put("fundingPremium", premium);
        n.put("nextFundingHeight", r.nextFundingHeight());
        n.put("lastFundingHeight", r.lastFundingHeight());
        n.put("lastFundingPremium", r.lastFundingPremium());
        return n;
    }

    private static ObjectNode market(MarketParams p, MarketStatsRecord s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("market", Integer.toUnsignedLong(p.marketId()));
        n.put("symbol", p.symbol());
        n.put("tickSize", p.tickSize());
        n.put("lotSize", p.lotSize());
        n.put("minSize", p.minSize());
        n.put("makerFeeBps", p.makerFeeBps());
        n.put("takerFeeBps", p.takerFeeBps());
        n.put("initialMarginBps", p.initialMarginBps());
        n.put("maintenanceMarginBps", p.maintenanceMarginBps());
        n.put("maxOpenOrders", p.maxOpenOrders());
        n.put("lastPrice", s.lastPrice());
        n.put("volume", s.volume());
        n.put("tradeCount", s.tradeCount());
        return n;
    }

    /** An order record; {@code accountName} resolves the owner's id to its name (null if unknown). */
    public static ObjectNode order(OrderRecord o, LongFunction<String> accountName) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("orderId", o.orderId());
        n.put("market", o.marketId());
        n.put("accountId", o.accountId());
        n.put("account", accountName.apply(o.accountId()));
        n.put("side", TxJson.sideName(o.side()));
        n.put("price", o.price());
        n.put("size", o.size());
        n.put("remaining", o.remaining());
        n.put("filled", o.filled());
        n.put("tif", TxJson.tifName(o.tif()));
        n.put("stp", TxJson.stpName(o.stp()));
        n.put("status", o.status().jsonName());
        n.put("prioritySeq", o.prioritySeq());
        n.put("createdHeight", o.createdHeight());
        n.put("updatedHeight", o.updatedHeight());
        if (o.clientOrderId() != null) {
            n.put("clientOrderId", o.clientOrderId());
        }
        return n;
    }

    public static ObjectNode orderUpdate(OrderUpdate u) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("orderId", u.orderId());
        n.put("market", u.market());
        n.put("accountId", u.accountId());
        n.put("side", TxJson.sideName(u.side()));
        n.put("price", u.price());
        n.put("status", u.status().jsonName());
        n.put("remaining", u.remaining());
        n.put("filled", u.filled());
        if (u.reason() != null) {
            n.put("reason", ApiCodes.name(u.reason()));
        }
        return n;
    }

    /** An account with its margin, its positions (one per market it traded) and open orders. */
    public static ObjectNode account(AccountRecord a, StateQueries.AccountMargin margin, List<ObjectNode> positions,
                                     List<OrderRecord> open, LongFunction<String> accountName) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("accountId", a.accountId());
        n.put("name", a.name());
        n.put("collateral", a.collateral());
        // exact integers: at an extreme mark these may pass what a 64-bit integer holds
        n.put("equity", margin.equity());
        n.put("initialMargin", margin.initialMargin());
        n.put("withdrawable", margin.withdrawable());
        n.put("maintenanceMargin", margin.maintenanceMargin());
        if (margin.marginRatioBps() == null) {
            n.putNull("marginRatio");
        } else {
            n.put("marginRatio", margin.marginRatioBps());
        }
        n.put("lastNonce", a.lastNonce());
        n.putArray("positions").addAll(positions);
        ArrayNode orders = n.putArray("openOrders");
        for (OrderRecord o : open) {
            orders.add(order(o, accountName));
        }
        return n;
    }

    /** A position; {@code liquidationPrice} as {@link StateQueries.AccountMargin#liquidationPrices()} gives it (null: none). */
    public static ObjectNode position(int market, PositionRecord p, Long liquidationPrice) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("market", market);
        n.put("size", p.size());
        n.put("entryNotional", p.entryNotional());
        n.put("realizedPnl", p.realizedPnl());
        n.put("openBuySize", p.openBuySize());
        n.put("openBuyNotional", p.openBuyNotional());
        n.put("openSellSize", p.openSellSize());
        n.put("openSellNotional", p.openSellNotional());
        if (liquidationPrice == null) {
            n.putNull("liquidationPrice");
        } else {
            n.put("liquidationPrice", liquidationPrice);
        }
        return n;
    }

    /** One step of a block's risk pass (docs/RISK.md), as the stream's {@code liquidations} and {@code orders} channels send it. */
    public static ObjectNode riskEvent(RiskEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        switch (e) {
            case RiskEvent.Funding f -> n.put("type", "funding").put("market", f.market()).put("premium", f.premium())
                    .put("indexPrice", f.indexPrice()).put("markPrice", f.markPrice());
            case RiskEvent.Liquidation l -> n.put("type", "liquidation").put("accountId", l.accountId())
                    .put("equity", l.equity()).put("maintenanceMargin", l.maintenanceMargin());
            case RiskEvent.BookClose b -> n.put("type", "book_close").put("accountId", b.accountId()).put("market", b.market())
                    .put("orderId", b.orderId()).put("side", TxJson.sideName(b.side())).put("limitPrice", b.limitPrice())
                    .put("size", b.size()).put("filled", b.filled()).put("insured", b.insured());
            case RiskEvent.InsuranceCover c -> n.put("type", "insurance_cover").put("accountId", c.accountId())
                    .put("market", c.market()).put("amount", c.amount());
            case RiskEvent.Deleverage d -> n.put("type", "deleverage").put("accountId", d.accountId())
                    .put("counterpartyId", d.counterparty()).put("market", d.market()).put("side", TxJson.sideName(d.side()))
                    .put("price", d.price()).put("size", d.size());
            case RiskEvent.DeficitCovered d -> n.put("type", "deficit_covered").put("accountId", d.accountId())
                    .put("market", d.market()).put("amount", d.amount());
            case RiskEvent.LiquidationFee f -> n.put("type", "liquidation_fee").put("accountId", f.accountId())
                    .put("market", f.market()).put("amount", f.amount());
        }
        return n;
    }

    /** A stored block: header fields and its transactions (the block's canonical JSON). */
    public static ObjectNode block(BlockHeader h, String bodyJson) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("height", h.height());
        n.put("time", h.time());
        n.put("root", h.rootHex());
        n.put("txCount", h.txCount());
        JsonNode body = parse(bodyJson);
        n.set("txs", body == null ? MAPPER.createArrayNode() : body.get("txs"));
        if (body != null && body.has("repair")) {
            n.set("repair", body.get("repair"));
        }
        return n;
    }

    public static ObjectNode state(long height, byte[] root) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("height", height);
        n.put("root", root == null ? null : HEX.formatHex(root));
        return n;
    }

    public static JsonNode parse(String json) {
        try {
            return json == null ? null : MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
