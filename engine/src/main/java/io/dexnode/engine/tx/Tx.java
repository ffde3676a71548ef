package io.dexnode.engine.tx;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;

/**
 * Every transaction the engine executes. {@code account} is a plain name in block files and the
 * hex Ed25519 public key over the network; {@code nonce} is 0 when absent (block files), otherwise
 * it must exceed the account's last nonce. An order is named by id, or by client order id when
 * {@code orderId} is 0.
 */
public sealed interface Tx {
    String account();

    long nonce();

    /** The JSON {@code type} of this transaction. */
    String type();

    record CreateMarket(String account, long nonce, MarketParams params) implements Tx {
        @Override
        public String type() {
            return "create_market";
        }
    }

    record Deposit(String account, long nonce, long amount) implements Tx {
        @Override
        public String type() {
            return "deposit";
        }
    }

    record Withdraw(String account, long nonce, long amount) implements Tx {
        @Override
        public String type() {
            return "withdraw";
        }
    }

    record Place(String account, long nonce, int market, Side side, long price, long size, TimeInForce tif,
                 String clientOrderId, SelfTradePrevention stp) implements Tx {
        @Override
        public String type() {
            return "place";
        }
    }

    record Cancel(String account, long nonce, long orderId, String clientOrderId) implements Tx {
        @Override
        public String type() {
            return "cancel";
        }
    }

    /** Cancels every active order of the account, in one market or (market 0) in all. */
    record CancelAll(String account, long nonce, int market) implements Tx {
        @Override
        public String type() {
            return "cancel_all";
        }
    }

    /** Lowers an order's remaining size to {@code size}, keeping its time priority. */
    record Reduce(String account, long nonce, long orderId, String clientOrderId, long size) implements Tx {
        @Override
        public String type() {
            return "reduce";
        }
    }

    /**
     * The oracle's index price for a market (a positive multiple of its tick size). Over the network
     * only the market's oracle key may sign it; in block files it is accepted as written. The
     * oracle is an account for nonces, so a replayed or stale price is refused like any replay.
     */
    record SetIndexPrice(String account, long nonce, int market, long price) implements Tx {
        @Override
        public String type() {
            return "set_index_price";
        }
    }

    /**
     * New price and/or new remaining size (0 = keep). Same price and a smaller size keeps time
     * priority; anything else takes a new priority sequence and may match first.
     */
    record Amend(String account, long nonce, long orderId, String clientOrderId, long price, long size) implements Tx {
        @Override
        public String type() {
            return "amend";
        }
    }
}
