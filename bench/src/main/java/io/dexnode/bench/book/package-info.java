/**
 * Order-book benchmarks: an exchange-core-like command stream replayed through the in-memory book
 * (throughput, bytes per resting order, a checksum that every replay produced the same events) and the
 * JMH micro-benchmarks of the book. Only the book module is exercised.
 */
package io.dexnode.bench.book;
