/**
 * JMH micro-benchmarks of the tree: batch updates at a version and the SHA-256 hashing under them.
 */
package io.dexnode.bench.jmt;
