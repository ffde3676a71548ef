package io.dexnode.node.api;

import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.NodeUnavailableException;
import io.dexnode.node.producer.TxOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one way a signed transaction enters the node, whichever door it came through: routing (a
 * cluster follower hands it to the leader), admission (envelope, signature, chain, who may act),
 * the gateway that puts it into a block, and the answer as {@code POST /v1/tx} gives it — status
 * and JSON body — once the block is committed. Refusals are counted by code.
 */
public final class TxService {
    /** An answer: the HTTP status {@code POST /v1/tx} gives and its JSON body. */
    public record Answer(int status, String body) {
    }

    /** Puts an admitted transaction into a block; the future completes once that block is committed. */
    @FunctionalInterface
    public interface Gateway {
        /** @throws NodeUnavailableException at once when the node cannot take it (full queue, halted, not leading) */
        CompletableFuture<TxOutcome> submit(AdmittedTx tx);
    }

    /** Where a transaction goes when this node does not execute it itself. */
    @FunctionalInterface
    public interface Router {
        /** Executes everything here. */
        Router LOCAL = (body, forwarded) -> null;

        /**
         * The answer of the node that handles {@code body}, or null to handle it here.
         *
         * @param forwarded whether another node already forwarded it (so it must not be forwarded again)
         */
        CompletableFuture<Answer> route(byte[] body, boolean forwarded);
    }

    private final TxAdmission admission;
    private final Gateway gateway;
    private final Router router;
    private final NodeMetrics metrics;

    public TxService(TxAdmission admission, Gateway gateway, Router router, NodeMetrics metrics) {
        this.admission = admission;
        this.gateway = gateway;
        this.router = router;
        this.metrics = metrics;
    }

    /** The answer to a signed transaction's body; never completes exceptionally. */
    public CompletableFuture<Answer> submit(byte[] body, boolean forwarded) {
        CompletableFuture<Answer> routed;
        try {
            routed = router.route(body, forwarded);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(refused(e.code(), e.getMessage()));
        }
        if (routed != null) {
            return routed;
        }
        AdmittedTx tx;
        CompletableFuture<TxOutcome> outcome;
        try {
            tx = admission.admit(body);
            outcome = gateway.submit(tx);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(refused(e.code(), e.getMessage()));
        } catch (NodeUnavailableException e) {
            return CompletableFuture.completedFuture(refused(RejectCode.OVERLOADED, e.getMessage()));
        }
        return outcome.handle((o, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                return refused(RejectCode.OVERLOADED, cause.getMessage());
            }
            if (!o.result().accepted()) {
                RejectCode code = o.result().rejection().code();
                return new Answer(ApiCodes.httpStatus(code), JsonViews.error(code, o.result().rejection().message()));
            }
            return new Answer(200, JsonViews.accepted(o.height(), o.result()).toString());
        });
    }

    /** A refusal before the transaction reached a block, counted by its code. */
    public Answer refused(RejectCode code, String message) {
        metrics.rejected(code);
        return new Answer(ApiCodes.httpStatus(code), JsonViews.error(code, message));
    }
}
