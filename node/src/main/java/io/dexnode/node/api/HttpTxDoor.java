package io.dexnode.node.api;

import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.NodeConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /v1/tx} as the node usually receives it, served on Jetty's own request API ahead of
 * the router: a body with a Content-Length within {@link NodeConfig#MAX_TX_BODY_BYTES}, no query,
 * on a node that serves. Its body is read without holding a thread, handed to {@link TxService},
 * and the answer written without blocking, from whichever thread completes it. Nothing per request
 * beyond that: the servlet layer and the router's context, matching and future handling cost more
 * than the transaction's own admission did (the profile in docs/BENCHMARKS.md).
 *
 * <p>Every other request, and every unusual form of this one (a chunked or oversized body, an
 * {@code Expect}, a query string, a node recovering or halted), goes on to the router unchanged,
 * which answers it as it always has. The answers here are the same: status and JSON body from
 * {@link TxService}, or {@code malformed} for a body cut short; like every answer of the API they
 * carry {@link ApiServer#HEIGHT_HEADER}, read when the answer is written (after its block).
 */
final class HttpTxDoor extends Handler.Wrapper {
    private static final String PATH = "/v1/tx";
    private static final String JSON = "application/json";

    /** The transaction service while the node serves transactions; null otherwise (the router answers then). */
    private final Supplier<TxService> serving;
    /** The node's committed height. */
    private final LongSupplier height;

    HttpTxDoor(Supplier<TxService> serving, LongSupplier height) {
        this.serving = serving;
        this.height = height;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod()) || !PATH.equals(request.getHttpURI().getPath())) {
            return super.handle(request, response, callback);
        }
        TxService txs = serving.get();
        long length = request.getLength();
        if (txs == null || request.getHttpURI().getQuery() != null || length < 0 || length > NodeConfig.MAX_TX_BODY_BYTES
                || request.getHeaders().contains(HttpHeader.EXPECT)) {
            return super.handle(request, response, callback);
        }
        boolean forwarded = request.getHeaders().contains(ApiServer.FORWARDED_BY);
        Content.Source.asByteArrayAsync(request, NodeConfig.MAX_TX_BODY_BYTES).whenComplete((body, failure) -> {
            if (failure != null) {
                answer(response, callback, txs.refused(RejectCode.MALFORMED, "the body ended before its " + length
                        + " bytes, or could not be read: " + failure.getMessage()));
                return;
            }
            txs.submit(body, forwarded).whenComplete((a, error) -> answer(response, callback, error == null ? a
                    : txs.refused(RejectCode.OVERLOADED, "the node could not answer: " + error)));
        });
        return true;
    }

    private void answer(Response response, Callback callback, TxService.Answer a) {
        response.setStatus(a.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(ApiServer.HEIGHT_HEADER, Long.toString(height.getAsLong()));
        response.write(true, ByteBuffer.wrap(a.body().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
