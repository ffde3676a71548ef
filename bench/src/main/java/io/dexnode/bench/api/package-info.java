/**
 * The API benchmark: a seeded signed order flow, sent over loopback HTTP by many clients to an
 * in-process {@code --dev} node or a running one, timing each request to its committed answer. It
 * drives the node only through its HTTP API (and starts one through its public entry point).
 */
package io.dexnode.bench.api;
