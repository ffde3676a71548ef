/**
 * In-memory limit order books and matching: price levels with FIFO queues (price-time priority),
 * O(log n) price lookup, O(1) cancel by id, GTC / IOC / FOK / post-only, self-trade prevention and
 * depth. Pure, deterministic computation on primitives: it must not know I/O, state, JSON or
 * transactions; the engine tells it what to do and listens to what it did
 * ({@link io.dexnode.book.BookListener}).
 */
package io.dexnode.book;
