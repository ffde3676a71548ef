package io.dexnode.engine.tx;

/** A typed refusal: a code and a message a person can act on. A rejected transaction changed nothing. */
public record Rejection(RejectCode code, String message) {
}
