/**
 * The cluster benchmark: signed orders through a cluster of replica processes on loopback and
 * through a single-node process in the same run, so that the two figures come from one machine
 * state. Must not know how the node replicates (it only starts processes and sends orders).
 */
package io.dexnode.bench.cluster;
