/**
 * Benchmarks of every layer, run by {@code dexnode bench …} and reported in docs/BENCHMARKS.md;
 * this package holds what they share (a scratch directory). Benchmarks may use any module below
 * them; nothing but the command line uses them, and JMH stays out of the node's runtime.
 */
package io.dexnode.bench;
