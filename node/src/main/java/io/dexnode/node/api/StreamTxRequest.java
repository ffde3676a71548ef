package io.dexnode.node.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A signed transaction sent over the stream, {@code {"op":"tx","id":<client request id>,"tx":{payload,
 * pubkey,signature}}}, and its answer, {@code {"op":"tx_result","id":…,"status":<HTTP status>,…}}
 * with what {@code POST /v1/tx} would answer: the accepted answer as {@code "result"} (its own
 * {@code "status"} is an order's), or a refusal's {@code "code"} and {@code "message"}.
 *
 * <p>The {@code tx} object is taken as the exact characters the client sent, not re-serialized: it
 * is the body {@link TxService} admits (and a follower forwards), byte for byte what {@code POST
 * /v1/tx} would have received. Read with one streaming pass, so telling a transaction from a
 * subscription costs little on the connection's thread.
 */
record StreamTxRequest(String idJson, byte[] body) {
    /** A client request id is echoed back: a string of at most this many characters, or an integer. */
    static final int MAX_ID_CHARS = 128;
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** A message that is a transaction ({@code "op":"tx"}) but not a well-formed one; {@code idJson} may be null. */
    static final class Malformed extends Exception {
        final String idJson;

        Malformed(String idJson, String message) {
            super(message, null, false, false);
            this.idJson = idJson;
        }
    }

    /**
     * The transaction request in {@code text}, or null if it is not one ({@code op} is not
     * {@code "tx"}, or it is not a JSON object: the stream's other requests, answered elsewhere).
     *
     * @throws Malformed if it is a transaction request without a usable {@code id} or {@code tx}
     */
    static StreamTxRequest parse(String text) throws Malformed {
        String op = null;
        String id = null;
        boolean badId = false;
        int txStart = -1;
        int txEnd = -1;
        boolean txNotObject = false;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "op" -> op = value == JsonToken.VALUE_STRING ? p.getText() : "";
                    case "id" -> {
                        if (value == JsonToken.VALUE_STRING && p.getTextLength() <= MAX_ID_CHARS) {
                            id = '"' + new String(JsonStringEncoder.getInstance().quoteAsString(p.getText())) + '"';
                        } else if (value == JsonToken.VALUE_NUMBER_INT && p.getTextLength() <= MAX_ID_CHARS) {
                            id = p.getText();
                        } else {
                            badId = true;
                            p.skipChildren();
                        }
                    }
                    case "tx" -> {
                        if (value == JsonToken.START_OBJECT) {
                            txStart = (int) p.currentTokenLocation().getCharOffset();
                            p.skipChildren();
                            txEnd = (int) p.currentLocation().getCharOffset();
                        } else {
                            txNotObject = true;
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return malformedIfTx(op, id, "a stream message is one JSON object");
            }
        } catch (IOException e) {
            return malformedIfTx(op, id, "not JSON: " + e.getMessage());
        }
        if (!"tx".equals(op)) {
            return null;
        }
        if (badId || id == null) {
            throw new Malformed(null, "a \"tx\" request needs an \"id\": a string of at most " + MAX_ID_CHARS
                    + " characters or an integer, which its answer carries back");
        }
        if (txNotObject || txStart < 0 || txEnd <= txStart) {
            throw new Malformed(id, "\"tx\" must be the signed transaction: {\"payload\":…,\"pubkey\":…,\"signature\":…}");
        }
        return new StreamTxRequest(id, text.substring(txStart, txEnd).getBytes(StandardCharsets.UTF_8));
    }

    private static StreamTxRequest malformedIfTx(String op, String id, String message) throws Malformed {
        if ("tx".equals(op)) {
            throw new Malformed(id, message);
        }
        return null; // the stream's own parsing answers what is wrong with it
    }

    /**
     * {@code {"op":"tx_result","id":…,"status":200,"result":{…}}}, or for a refusal
     * {@code {"op":"tx_result","id":…,"status":…,"code":…,"message":…}}. The body is a JSON object
     * (this node's answer, or the leader's that a follower forwarded); anything else is carried as
     * the {@code "message"}.
     */
    static String result(String idJson, TxService.Answer answer) {
        String body = answer.body() == null ? "" : answer.body().strip();
        StringBuilder sb = new StringBuilder(48 + body.length());
        sb.append("{\"op\":\"tx_result\",\"id\":").append(idJson == null ? "null" : idJson)
                .append(",\"status\":").append(answer.status());
        boolean object = body.length() >= 2 && body.charAt(0) == '{' && body.charAt(body.length() - 1) == '}';
        if (answer.status() == 200 && object) {
            sb.append(",\"result\":").append(body);
        } else if (object) {
            String fields = body.substring(1, body.length() - 1).strip();
            if (!fields.isEmpty()) {
                sb.append(',').append(fields);
            }
        } else {
            sb.append(",\"message\":\"").append(JsonStringEncoder.getInstance().quoteAsString(body)).append('"');
        }
        return sb.append('}').toString();
    }
}
