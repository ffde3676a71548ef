package io.dexnode.engine;

import io.dexnode.book.Side;

/** One trade: the taker hit a resting maker at the maker's price. Fees are in quote atoms. */
public record Fill(int market, long makerOrderId, long makerAccount, long takerOrderId, long takerAccount,
                   Side takerSide, long price, long size, long makerFee, long takerFee) {
}
