package io.dexnode.engine;

import io.dexnode.book.Side;

/**
 * One trade: the taker hit a resting maker at the maker's price. Fees are in quote atoms.
 * {@code tradeId} numbers the market's trades from 1 (its trade count after this one), so it is
 * the same on every replica and replay.
 */
public record Fill(int market, long tradeId, long makerOrderId, long makerAccount, long takerOrderId, long takerAccount,
                   Side takerSide, long price, long size, long makerFee, long takerFee) {
}
