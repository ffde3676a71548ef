package io.dexnode.book;

/**
 * What happens when a taker meets a resting order of its own owner. Exchanges forbid wash trades,
 * so the default is {@link #CANCEL_RESTING}; {@link #ALLOW} lets the trade happen.
 */
public enum SelfTradePrevention {
    /** The resting order is cancelled and matching continues past it. */
    CANCEL_RESTING,
    /** The taker's remainder is cancelled; the resting order stays. */
    CANCEL_INCOMING,
    /** Both the resting order and the taker's remainder are cancelled. */
    CANCEL_BOTH,
    /** The owner trades with itself. */
    ALLOW
}
