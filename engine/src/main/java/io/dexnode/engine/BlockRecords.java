package io.dexnode.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import io.dexnode.engine.exec.BlockContext;
import io.dexnode.engine.history.ExtraKeys;
import io.dexnode.engine.history.HistoryWriter;
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
 * that blocks can be served, compared on resume and replayed, and the history the block adds. The
 * root comes from the store; the keys are {@link ExtraKeys}'.
 */
public final class BlockRecords {
    private static final byte FORMAT = 1;
    /** A header record: format, time i64, transaction count u32. */
    private static final int HEADER_LENGTH = 13;

    private BlockRecords() {
    }

    /** The block's records, and what it adds to the history ({@link HistoryWriter}). */
    static WriteSet extras(long height, long time, List<Tx> txs, BlockContext block) {
        WriteSet ws = new WriteSet();
        HistoryWriter.write(ws, height, time, block);
        ws.put(ExtraKeys.blockHeader(height), ByteBuffer.allocate(HEADER_LENGTH).put(FORMAT).putLong(time).putInt(txs.size()).array());
        ws.put(ExtraKeys.blockBody(height), blockJson(height, time, txs).getBytes(StandardCharsets.UTF_8));
        return ws;
    }

    /** The records of a repair block: no transactions, and the repairs by kind with their order ids. */
    static WriteSet repairExtras(long height, long time, Map<String, List<Long>> repairsByKind) {
        WriteSet ws = new WriteSet();
        ws.put(ExtraKeys.blockHeader(height), ByteBuffer.allocate(HEADER_LENGTH).put(FORMAT).putLong(time).putInt(0).array());
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
        ws.put(ExtraKeys.blockBody(height), sb.toString().getBytes(StandardCharsets.UTF_8));
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
        byte[] raw = store.getExtra(ExtraKeys.blockHeader(height));
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
        byte[] raw = store.getExtra(ExtraKeys.blockBody(height));
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

}
