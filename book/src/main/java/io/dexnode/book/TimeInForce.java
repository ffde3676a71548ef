package io.dexnode.book;

/**
 * How long a limit order lives: GTC rests its remainder, IOC cancels it, FOK fills completely or
 * does nothing, POST_ONLY rests only if it would not take.
 */
public enum TimeInForce {
    GTC, IOC, FOK, POST_ONLY
}
