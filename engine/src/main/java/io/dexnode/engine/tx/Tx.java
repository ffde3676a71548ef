package io.dexnode.engine.tx;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import java.util.List;

/**
 * Every transaction the engine executes. {@code account} is a plain name in block files and the
 * hex Ed25519 public key over the network; {@code nonce} is 0 when absent (block files), otherwise
 * it must exceed the account's last nonce. An order is named by id, or by client order id when
 * {@code orderId} is 0. A {@link Batch} carries order actions under one account and one nonce.
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

    /**
     * Up to {@link #MAX_ACTIONS} order actions (place, cancel, cancel-all, amend, reduce) of one
     * account under one nonce, which the batch consumes once. Each action is the account's, carries
     * no nonce of its own, and executes in order as if it were a transaction of its own: a refused
     * action changes nothing and the ones after it still run.
     */
    record Batch(String account, long nonce, List<Tx> actions) implements Tx {
        public static final int MAX_ACTIONS = 50;

        public Batch {
            actions = List.copyOf(actions);
            if (account == null || actions.isEmpty() || actions.size() > MAX_ACTIONS) {
                throw new IllegalArgumentException("a batch has an account and 1 to " + MAX_ACTIONS + " actions");
            }
            for (Tx a : actions) {
                if (!isAction(a) || a.nonce() != 0 || !account.equals(a.account())) {
                    throw new IllegalArgumentException("a batch's action is an order transaction of the batch's account,"
                            + " without a nonce: " + a);
                }
            }
        }

        /** Whether {@code tx} is of a kind a batch may carry. */
        public static boolean isAction(Tx tx) {
            return tx instanceof Place || tx instanceof Cancel || tx instanceof CancelAll || tx instanceof Amend
                    || tx instanceof Reduce;
        }

        @Override
        public String type() {
            return "batch";
        }
    }

    /**
     * The chain's parameters ({@code archiveAfterBlocks}: how many blocks a finished order stays in
     * the tree before it moves to the archive; 0 = never). Accepted only in block 1, once: the
     * genesis file's field, or a block file's first block.
     */
    record ChainParams(String account, long nonce, int archiveAfterBlocks) implements Tx {
        @Override
        public String type() {
            return "chain_params";
        }
    }
}
