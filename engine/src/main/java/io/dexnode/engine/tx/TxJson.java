package io.dexnode.engine.tx;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JSON form of transactions (DESIGN.md §8), both ways. Parsing is strict: unknown types,
 * unknown fields, missing fields and non-integer numbers are {@link RejectCode#MALFORMED}. A
 * batch's actions are written without {@code account} and {@code nonce} (they are the batch's),
 * and an action that names either is malformed, as is a batch inside a batch.
 */
public final class TxJson {
    /**
     * Strict about the document as well: a repeated field or anything after the object is
     * malformed, so one signed payload cannot be read as two different transactions.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * The fields of a create_market that describe its market: all of them but {@code type},
     * {@code account} and {@code nonce}. A genesis market object has only these.
     */
    public static final List<String> MARKET_FIELDS = List.of("market", "symbol", "tickSize", "lotSize", "minSize",
            "makerFeeBps", "takerFeeBps", "initialMarginBps", "maintenanceMarginBps", "maxOpenOrders",
            "liquidationFeeBps", "fundingIntervalBlocks", "fundingCapBps");
    private static final Set<String> CREATE_MARKET_FIELDS =
            Stream.concat(Stream.of("type", "account", "nonce"), MARKET_FIELDS.stream()).collect(Collectors.toUnmodifiableSet());
    /** The fields each type may have (built once: parsing runs for every request). */
    private static final Set<String> TRANSFER_FIELDS = Set.of("type", "account", "nonce", "amount");
    private static final Set<String> PLACE_FIELDS =
            Set.of("type", "account", "nonce", "market", "side", "price", "size", "tif", "clientOrderId", "stp");
    private static final Set<String> CANCEL_FIELDS = Set.of("type", "account", "nonce", "order", "clientOrderId");
    private static final Set<String> CANCEL_ALL_FIELDS = Set.of("type", "account", "nonce", "market");
    private static final Set<String> REDUCE_FIELDS = Set.of("type", "account", "nonce", "order", "clientOrderId", "size");
    private static final Set<String> AMEND_FIELDS = Set.of("type", "account", "nonce", "order", "clientOrderId", "price", "size");
    private static final Set<String> BATCH_FIELDS = Set.of("type", "account", "nonce", "actions");
    private static final Set<String> CHAIN_PARAMS_FIELDS = Set.of("type", "account", "nonce", "archiveAfterBlocks");
    private static final Set<String> SET_INDEX_PRICE_FIELDS = Set.of("type", "account", "nonce", "market", "price");

    /** The {@code type}s a batch's action may have. */
    private static final Set<String> ACTION_TYPES = Set.of("place", "cancel", "cancel_all", "amend", "reduce");

    private TxJson() {
    }

    public static Tx parse(String json) {
        return parse(readTree(json));
    }

    /**
     * A transaction's JSON read as strictly as {@link #parse(String)} reads it (a repeated field
     * or anything after the object is malformed), for a caller that looks at a field before parsing.
     */
    public static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed("not JSON: " + e.getOriginalMessage());
        }
    }

    public static Tx parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw malformed("a transaction is a JSON object");
        }
        String type = text(node, "type", true);
        return switch (type) {
            case "create_market" -> {
                allow(node, CREATE_MARKET_FIELDS);
                yield new Tx.CreateMarket(text(node, "account", false), nonce(node), new MarketParams(
                        market(node, true), text(node, "symbol", true),
                        integer(node, "tickSize", true), integer(node, "lotSize", true), integer(node, "minSize", true),
                        (int) integer(node, "makerFeeBps", true, 0, 10_000), (int) integer(node, "takerFeeBps", true, 0, 10_000),
                        (int) integer(node, "initialMarginBps", true, 0, 10_000),
                        (int) integer(node, "maintenanceMarginBps", true, 0, 10_000),
                        maxOpenOrders(node),
                        (int) optional(node, "liquidationFeeBps", MarketParams.DEFAULT_LIQUIDATION_FEE_BPS, 0, 10_000),
                        (int) optional(node, "fundingIntervalBlocks", MarketParams.DEFAULT_FUNDING_INTERVAL_BLOCKS, 0,
                                Integer.MAX_VALUE),
                        (int) optional(node, "fundingCapBps", MarketParams.DEFAULT_FUNDING_CAP_BPS, 0, 10_000)));
            }
            case "deposit" -> {
                allow(node, TRANSFER_FIELDS);
                yield new Tx.Deposit(text(node, "account", true), nonce(node), integer(node, "amount", true));
            }
            case "withdraw" -> {
                allow(node, TRANSFER_FIELDS);
                yield new Tx.Withdraw(text(node, "account", true), nonce(node), integer(node, "amount", true));
            }
            case "place" -> {
                allow(node, PLACE_FIELDS);
                yield new Tx.Place(text(node, "account", true), nonce(node), market(node, true),
                        side(text(node, "side", true)), integer(node, "price", true), integer(node, "size", true),
                        tif(text(node, "tif", false)), text(node, "clientOrderId", false), stp(text(node, "stp", false)));
            }
            case "cancel" -> {
                allow(node, CANCEL_FIELDS);
                yield new Tx.Cancel(text(node, "account", true), nonce(node), orderId(node), clientId(node));
            }
            case "cancel_all" -> {
                allow(node, CANCEL_ALL_FIELDS);
                yield new Tx.CancelAll(text(node, "account", true), nonce(node), market(node, false));
            }
            case "reduce" -> {
                allow(node, REDUCE_FIELDS);
                yield new Tx.Reduce(text(node, "account", true), nonce(node), orderId(node), clientId(node),
                        integer(node, "size", true, 1, Long.MAX_VALUE));
            }
            case "set_index_price" -> {
                allow(node, SET_INDEX_PRICE_FIELDS);
                yield new Tx.SetIndexPrice(text(node, "account", true), nonce(node), market(node, true),
                        integer(node, "price", true));
            }
            case "amend" -> {
                allow(node, AMEND_FIELDS);
                long price = integer(node, "price", false);
                long size = integer(node, "size", false);
                // 0 means "keep" in Tx.Amend: an explicit 0 would be a silent no-op, not a new price or size.
                if ((price == 0 && node.hasNonNull("price")) || (size == 0 && node.hasNonNull("size"))) {
                    throw malformed("an amend's \"price\" and \"size\" are not 0; leave one out to keep it");
                }
                if (price == 0 && size == 0) {
                    throw malformed("amend needs a new \"price\" or \"size\"");
                }
                yield new Tx.Amend(text(node, "account", true), nonce(node), orderId(node), clientId(node), price, size);
            }
            case "batch" -> {
                allow(node, BATCH_FIELDS);
                String account = text(node, "account", true);
                yield new Tx.Batch(account, nonce(node), actions(node, account));
            }
            case "chain_params" -> {
                allow(node, CHAIN_PARAMS_FIELDS);
                yield new Tx.ChainParams(text(node, "account", false), nonce(node),
                        (int) integer(node, "archiveAfterBlocks", true, 0, Integer.MAX_VALUE));
            }
            default -> throw malformed("unknown transaction type \"" + type + "\"");
        };
    }

    /** A batch's actions, each parsed as its own transaction of the batch's account and without a nonce. */
    private static List<Tx> actions(JsonNode batch, String account) {
        JsonNode list = batch.get("actions");
        if (list == null || !list.isArray()) {
            throw malformed("a batch needs an \"actions\" array");
        }
        if (list.isEmpty() || list.size() > Tx.Batch.MAX_ACTIONS) {
            throw malformed("a batch has 1 to " + Tx.Batch.MAX_ACTIONS + " actions, not " + list.size());
        }
        List<Tx> actions = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            if (!a.isObject()) {
                throw malformed("action " + i + " of the batch is not a JSON object");
            }
            if (a.has("account") || a.has("nonce")) {
                throw malformed("action " + i + " of the batch names its own \"account\" or \"nonce\": the batch's apply to every action");
            }
            JsonNode type = a.get("type");
            if (type == null || !type.isTextual() || !ACTION_TYPES.contains(type.asText())) {
                throw malformed("action " + i + " of the batch is " + (type != null && "batch".equals(type.asText())
                        ? "a batch: batches do not nest" : "of type " + type + "; an action is place, cancel, cancel_all, amend or reduce"));
            }
            ObjectNode own = ((ObjectNode) a).deepCopy();
            own.put("account", account);
            try {
                actions.add(parse(own));
            } catch (RejectedException e) {
                throw malformed("action " + i + " of the batch: " + e.getMessage());
            }
        }
        return actions;
    }

    /**
     * Writes the canonical JSON of a transaction (the field order of DESIGN.md §8; absent optionals
     * omitted). Streamed, not built as a tree: a block stores the JSON of every transaction it holds.
     */
    public static void write(JsonGenerator g, Tx tx) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", tx.type());
        if (tx.account() != null) {
            g.writeStringField("account", tx.account());
        }
        if (tx.nonce() != 0) {
            g.writeNumberField("nonce", tx.nonce());
        }
        writeFields(g, tx);
        g.writeEndObject();
    }

    /** The fields after {@code type}, {@code account} and {@code nonce}. */
    private static void writeFields(JsonGenerator g, Tx tx) throws IOException {
        switch (tx) {
            case Tx.CreateMarket c -> {
                MarketParams p = c.params();
                g.writeNumberField("market", Integer.toUnsignedLong(p.marketId()));
                g.writeStringField("symbol", p.symbol());
                g.writeNumberField("tickSize", p.tickSize());
                g.writeNumberField("lotSize", p.lotSize());
                g.writeNumberField("minSize", p.minSize());
                g.writeNumberField("makerFeeBps", p.makerFeeBps());
                g.writeNumberField("takerFeeBps", p.takerFeeBps());
                g.writeNumberField("initialMarginBps", p.initialMarginBps());
                g.writeNumberField("maintenanceMarginBps", p.maintenanceMarginBps());
                // The default is left out: the canonical JSON of a create_market without the field, and
                // so the blocks stored before the cap existed, stay what they were.
                if (p.maxOpenOrders() != MarketParams.DEFAULT_MAX_OPEN_ORDERS) {
                    g.writeNumberField("maxOpenOrders", p.maxOpenOrders());
                }
                // So are the risk terms' defaults, for the same reason.
                if (p.liquidationFeeBps() != MarketParams.DEFAULT_LIQUIDATION_FEE_BPS) {
                    g.writeNumberField("liquidationFeeBps", p.liquidationFeeBps());
                }
                if (p.fundingIntervalBlocks() != MarketParams.DEFAULT_FUNDING_INTERVAL_BLOCKS) {
                    g.writeNumberField("fundingIntervalBlocks", p.fundingIntervalBlocks());
                }
                if (p.fundingCapBps() != MarketParams.DEFAULT_FUNDING_CAP_BPS) {
                    g.writeNumberField("fundingCapBps", p.fundingCapBps());
                }
            }
            case Tx.SetIndexPrice i -> {
                g.writeNumberField("market", i.market());
                g.writeNumberField("price", i.price());
            }
            case Tx.Deposit d -> g.writeNumberField("amount", d.amount());
            case Tx.Withdraw w -> g.writeNumberField("amount", w.amount());
            case Tx.Place p -> {
                g.writeNumberField("market", p.market());
                g.writeStringField("side", sideName(p.side()));
                g.writeNumberField("price", p.price());
                g.writeNumberField("size", p.size());
                g.writeStringField("tif", tifName(p.tif()));
                if (p.clientOrderId() != null) {
                    g.writeStringField("clientOrderId", p.clientOrderId());
                }
                g.writeStringField("stp", stpName(p.stp()));
            }
            case Tx.Cancel c -> writeOrderRef(g, c.orderId(), c.clientOrderId());
            case Tx.CancelAll c -> {
                if (c.market() != 0) {
                    g.writeNumberField("market", c.market());
                }
            }
            case Tx.Reduce r -> {
                writeOrderRef(g, r.orderId(), r.clientOrderId());
                g.writeNumberField("size", r.size());
            }
            case Tx.Amend a -> {
                writeOrderRef(g, a.orderId(), a.clientOrderId());
                if (a.price() != 0) {
                    g.writeNumberField("price", a.price());
                }
                if (a.size() != 0) {
                    g.writeNumberField("size", a.size());
                }
            }
            case Tx.Batch b -> {
                g.writeArrayFieldStart("actions");
                for (Tx action : b.actions()) {
                    g.writeStartObject();
                    g.writeStringField("type", action.type());
                    writeFields(g, action);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            case Tx.ChainParams c -> g.writeNumberField("archiveAfterBlocks", c.archiveAfterBlocks());
        }
    }

    /**
     * A generator of compact JSON into characters (a byte generator would escape characters
     * outside the BMP as surrogate pairs, where the stored blocks have them as they are).
     */
    public static JsonGenerator generator(Writer out) throws IOException {
        return MAPPER.getFactory().createGenerator(out);
    }

    /** The canonical JSON of a transaction as a string (see {@link #write}). */
    public static String toJsonString(Tx tx) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = generator(out)) {
            write(g, tx);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    public static String sideName(Side side) {
        return side == Side.BUY ? "buy" : "sell";
    }

    public static String tifName(TimeInForce tif) {
        return tif.name().toLowerCase(Locale.ROOT);
    }

    public static String stpName(SelfTradePrevention stp) {
        return stp.name().toLowerCase(Locale.ROOT);
    }

    private static void writeOrderRef(JsonGenerator g, long orderId, String clientOrderId) throws IOException {
        if (orderId != 0) {
            g.writeNumberField("order", orderId);
        } else {
            g.writeStringField("clientOrderId", clientOrderId);
        }
    }

    private static long orderId(JsonNode node) {
        boolean byId = node.has("order");
        boolean byClient = node.has("clientOrderId");
        if (byId == byClient) {
            throw malformed("name the order by exactly one of \"order\" or \"clientOrderId\"");
        }
        return byId ? integer(node, "order", true, 1, Long.MAX_VALUE) : 0;
    }

    private static String clientId(JsonNode node) {
        return node.has("order") ? null : text(node, "clientOrderId", true);
    }

    private static int market(JsonNode node, boolean required) {
        return (int) integer(node, "market", required, 1, 0x7fffffffL);
    }

    /**
     * A create_market's cap on each account's resting orders: the default when absent; any int
     * otherwise, which the engine range-checks (1 to {@link MarketParams#MAX_OPEN_ORDERS_LIMIT},
     * else {@code invalid_market}) as it does the sizes.
     */
    private static int maxOpenOrders(JsonNode node) {
        if (!node.hasNonNull("maxOpenOrders")) {
            return MarketParams.DEFAULT_MAX_OPEN_ORDERS;
        }
        return (int) integer(node, "maxOpenOrders", true, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** An optional integer field's value, or {@code absent} when the field is left out. */
    private static long optional(JsonNode node, String field, long absent, long min, long max) {
        return node.hasNonNull(field) ? integer(node, field, true, min, max) : absent;
    }

    private static long nonce(JsonNode node) {
        return integer(node, "nonce", false, 1, Long.MAX_VALUE);
    }

    private static Side side(String s) {
        return switch (s) {
            case "buy" -> Side.BUY;
            case "sell" -> Side.SELL;
            default -> throw malformed("\"side\" must be \"buy\" or \"sell\", not \"" + s + "\"");
        };
    }

    private static TimeInForce tif(String s) {
        if (s == null) {
            return TimeInForce.GTC;
        }
        return switch (s) {
            case "gtc" -> TimeInForce.GTC;
            case "ioc" -> TimeInForce.IOC;
            case "fok" -> TimeInForce.FOK;
            case "post_only" -> TimeInForce.POST_ONLY;
            default -> throw malformed("\"tif\" must be gtc, ioc, fok or post_only, not \"" + s + "\"");
        };
    }

    private static SelfTradePrevention stp(String s) {
        if (s == null) {
            return SelfTradePrevention.CANCEL_RESTING;
        }
        return switch (s) {
            case "cancel_resting" -> SelfTradePrevention.CANCEL_RESTING;
            case "cancel_incoming" -> SelfTradePrevention.CANCEL_INCOMING;
            case "cancel_both" -> SelfTradePrevention.CANCEL_BOTH;
            case "allow" -> SelfTradePrevention.ALLOW;
            default -> throw malformed("\"stp\" must be cancel_resting, cancel_incoming, cancel_both or allow, not \"" + s + "\"");
        };
    }

    private static void allow(JsonNode node, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw malformed("unknown field \"" + f + "\" in a " + node.get("type").asText() + " transaction");
            }
        }
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw malformed("missing \"" + field + "\"");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw malformed("\"" + field + "\" must be a string");
        }
        String s = v.asText();
        if (!wellFormed(s)) {
            throw malformed("\"" + field + "\" must be well-formed Unicode: it has an unpaired surrogate (a \\ud800"
                    + "–\\udfff escape without its pair), which UTF-8 cannot carry");
        }
        return s;
    }

    /**
     * Whether {@code s} has no unpaired surrogate, so that its UTF-8 bytes decode back to it. Blocks,
     * records and signed payloads are UTF-8, which turns an unpaired surrogate into '?': a string
     * holding one would be executed as one text and stored, served and replayed as another.
     */
    public static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static long integer(JsonNode node, String field, boolean required) {
        return integer(node, field, required, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static long integer(JsonNode node, String field, boolean required, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw malformed("missing \"" + field + "\"");
            }
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw malformed("\"" + field + "\" must be an integer that fits in 64 bits");
        }
        long x = v.asLong();
        if (x < min || x > max) {
            throw malformed("\"" + field + "\" must be between " + min + " and " + max + ", got " + x);
        }
        return x;
    }

    private static RejectedException malformed(String message) {
        return new RejectedException(RejectCode.MALFORMED, message);
    }
}
