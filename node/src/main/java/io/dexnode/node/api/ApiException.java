package io.dexnode.node.api;

import io.dexnode.engine.tx.RejectCode;

/**
 * A refused request at the API edge, with its typed code; becomes {@code {"code","message"}} and
 * the code's HTTP status.
 */
public final class ApiException extends RuntimeException {
    private final RejectCode code;

    public ApiException(RejectCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public RejectCode code() {
        return code;
    }
}
