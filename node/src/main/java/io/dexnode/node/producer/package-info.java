/**
 * The block producer: the one thread that touches the engine. It queues admitted transactions,
 * cuts blocks (group commit), executes and commits them, answers each request once its block is
 * durable, and publishes the market data and events of each block. It must not know HTTP: requests
 * arrive as transactions and leave as outcomes.
 */
package io.dexnode.node.producer;
