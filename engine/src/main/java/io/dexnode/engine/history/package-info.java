/**
 * The lasting history beside the state, outside the tree: the archive of finished orders (their
 * final records, moved out of the tree by the block that archives them), every trade per market
 * and every fill per account, and each account's orders newest first, live and archived together.
 * It owns the one table of extra-record key prefixes ({@link io.dexnode.engine.history.ExtraKeys}),
 * how a block's history is written ({@link io.dexnode.engine.history.HistoryWriter}, in the same
 * atomic write as the block) and how pages of it are read
 * ({@link io.dexnode.engine.history.HistoryQueries}, one bounded range scan each). What the state
 * root commits to of the archive is {@code schema.ArchiveHeadRecord}. It must not know HTTP or
 * JSON: the node renders what it returns.
 */
package io.dexnode.engine.history;
