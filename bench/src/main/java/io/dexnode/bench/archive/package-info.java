/**
 * What the archive costs on disk: real archive and history records, produced by the engine, stored
 * under each compression RocksDB offers, in bytes per archived order and per trade.
 */
package io.dexnode.bench.archive;
