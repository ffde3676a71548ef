package io.dexnode.engine.tx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Parses the block-file line form {@code {"height":h,"time":ms,"txs":[…]}}; errors are {@link RejectCode#MALFORMED}. */
public final class BlockJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BlockJson() {
    }

    public static Block parse(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new RejectedException(RejectCode.MALFORMED, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RejectedException(RejectCode.MALFORMED, "a block is a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("height") && !f.equals("time") && !f.equals("txs")) {
                throw new RejectedException(RejectCode.MALFORMED, "unknown block field \"" + f + "\"");
            }
        }
        long height = number(node, "height");
        long time = number(node, "time");
        JsonNode txs = node.get("txs");
        if (txs == null || !txs.isArray()) {
            throw new RejectedException(RejectCode.MALFORMED, "a block needs a \"txs\" array");
        }
        List<Tx> out = new ArrayList<>(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            try {
                out.add(TxJson.parse(txs.get(i)));
            } catch (RejectedException e) {
                throw new RejectedException(RejectCode.MALFORMED, "transaction " + i + ": " + e.getMessage());
            }
        }
        return new Block(height, time, out);
    }

    private static long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new RejectedException(RejectCode.MALFORMED, "a block needs a non-negative integer \"" + field + "\"");
        }
        return v.asLong();
    }
}
