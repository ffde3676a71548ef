package io.dexnode.engine.tx;

/** Thrown inside execution to abandon a transaction before it changed anything; becomes a {@link Rejection}. */
public final class RejectedException extends RuntimeException {
    private final RejectCode code;

    public RejectedException(RejectCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public RejectCode code() {
        return code;
    }

    public Rejection rejection() {
        return new Rejection(code, getMessage());
    }
}
