/**
 * The HTTP + WebSocket API of docs/API.md: routes, JSON views, admission of signed requests
 * (envelope, signature, chain id, who may do what) and the stream of depth, trades and order
 * updates. Reads come from committed state and the producer's published market data; writes go to
 * the block producer. It never touches the engine or its books directly.
 */
package io.dexnode.node.api;
