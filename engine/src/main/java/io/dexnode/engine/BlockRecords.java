package io.dexnode.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The block records kept beside the state (unauthenticated extras committed in the same atomic
 * write as the block's state): per height, the header fields and the block's canonical JSON, so
 * that blocks can be served, compared on resume and replayed. The root comes from the store.
 */
public final class BlockRecords {
    private static final byte HEADER = 'H';
    private static final byte BODY = 'T';
    private static final byte ACCOUNT_ORDER = 'O';
    private static final byte[] PRESENT = {1};
    private static final byte FORMAT = 1;
    /** A header record: format, time i64, transaction count u32. */
    private static final int HEADER_LENGTH = 13;
    /** An account-order key: kind, account u64, order u64. */
    private static final int ACCOUNT_ORDER_KEY_LENGTH = 17;
    private static final int ACCOUNT_ORDER_ID_AT = 9;

    private BlockRecords() {
    }

    static WriteSet extras(long height, long time, List<Tx> txs, List<long[]> newOrders) {
        WriteSet ws = new WriteSet();
        for (long[] accountAndOrder : newOrders) {
            ws.put(accountOrderKey(accountAndOrder[0], accountAndOrder[1]), PRESENT);
        }
        ws.put(key(HEADER, height), ByteBuffer.allocate(HEADER_LENGTH).put(FORMAT).putLong(time).putInt(txs.size()).array());
        ws.put(key(BODY, height), blockJson(height, time, txs).getBytes(StandardCharsets.UTF_8));
        return ws;
    }

    /** The records of a repair block: no transactions, and the repairs by kind with their order ids. */
    static WriteSet repairExtras(long height, long time, Map<String, List<Long>> repairsByKind) {
        WriteSet ws = new WriteSet();
        ws.put(key(HEADER, height), ByteBuffer.allocate(HEADER_LENGTH).put(FORMAT).putLong(time).putInt(0).array());
        StringBuilder sb = new StringBuilder();
        sb.append("{\"height\":").append(height).append(",\"time\":").append(time).append(",\"txs\":[],\"repair\":{");
        String comma = "";
        for (Map.Entry<String, List<Long>> e : repairsByKind.entrySet()) {
            sb.append(comma).append('"').append(e.getKey()).append("\":[");
            comma = ",";
            String idComma = "";
            for (long id : e.getValue()) {
                sb.append(idComma).append(id);
                idComma = ",";
            }
            sb.append(']');
        }
        sb.append("}}");
        ws.put(key(BODY, height), sb.toString().getBytes(StandardCharsets.UTF_8));
        return ws;
    }

    /** The canonical JSON line of a block: {@code {"height":h,"time":ms,"txs":[…]}}. */
    public static String blockJson(long height, long time, List<Tx> txs) {
        StringWriter out = new StringWriter(64 + txs.size() * 128);
        try (JsonGenerator g = TxJson.generator(out)) {
            g.writeStartObject();
            g.writeNumberField("height", height);
            g.writeNumberField("time", time);
            g.writeArrayFieldStart("txs");
            for (Tx tx : txs) {
                TxJson.write(g, tx);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    /** The header of committed block {@code height}, or null if there is none. */
    public static BlockHeader header(StateStore store, long height) {
        byte[] raw = store.getExtra(key(HEADER, height));
        if (raw == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        if (raw.length != HEADER_LENGTH || b.get() != FORMAT) {
            throw new IllegalStateException("block header record of height " + height + " is malformed");
        }
        long time = b.getLong();
        int txCount = b.getInt();
        return new BlockHeader(height, time, store.rootAt(height), txCount);
    }

    /** The canonical JSON of committed block {@code height}, or null. */
    public static String body(StateStore store, long height) {
        byte[] raw = store.getExtra(key(BODY, height));
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    /**
     * Ids of every order an account ever placed, ascending (the account's order history index;
     * statuses are in the order records).
     */
    public static List<Long> orderIdsOfAccount(StateStore store, long accountId) {
        List<Long> ids = new java.util.ArrayList<>();
        store.scanExtras(ByteBuffer.allocate(9).put(ACCOUNT_ORDER).putLong(accountId).array(),
                (k, v) -> ids.add(ByteBuffer.wrap(k).getLong(ACCOUNT_ORDER_ID_AT)));
        return ids;
    }

    private static byte[] accountOrderKey(long accountId, long orderId) {
        return ByteBuffer.allocate(ACCOUNT_ORDER_KEY_LENGTH).put(ACCOUNT_ORDER).putLong(accountId).putLong(orderId).array();
    }

    private static byte[] key(byte kind, long height) {
        return ByteBuffer.allocate(9).put(kind).putLong(height).array();
    }
}
