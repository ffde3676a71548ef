package io.dexnode.jmt;

/**
 * The tree could not do what was asked: a version that is not there, a broken store, or a proof
 * that cannot exist (e.g. a non-existence proof in the empty tree). Always loud, never silent.
 */
public class JmtException extends RuntimeException {
    public JmtException(String message) {
        super(message);
    }
}
