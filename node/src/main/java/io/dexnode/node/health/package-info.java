/**
 * Whether the node should receive traffic: liveness, readiness, and the periodic consistency check
 * of the books against the committed active-order index that readiness depends on. Written by the
 * producer and the lifecycle, read by HTTP threads; it must not change state.
 */
package io.dexnode.node.health;
