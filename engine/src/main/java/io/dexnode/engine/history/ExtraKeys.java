package io.dexnode.engine.history;

import java.nio.ByteBuffer;

/**
 * Every key of the unauthenticated records kept beside the state (the store's extras), in one
 * place: a one-byte prefix, then big-endian fields. Fields that pages read newest first are
 * stored inverted ({@code ~x}), so that a forward range scan from a cursor yields the newest
 * entries first and stops after one page.
 *
 * <p>{@code 'O'} (an account's orders, ascending) is retired: state format 1 wrote it; nothing
 * reads or writes it now.
 */
public final class ExtraKeys {
    /** A block's header: height u64. */
    public static final byte BLOCK_HEADER = 'H';
    /** A block's canonical JSON: height u64. */
    public static final byte BLOCK_BODY = 'T';
    /** A finished order's final record in the archive: order id u64. */
    public static final byte ARCHIVED_ORDER = 'A';
    /** What one block moved to the archive: height u64. */
    public static final byte ARCHIVE_BLOCK = 'B';
    /** Every order of an account, newest first: account u64, ~order id. */
    public static final byte ACCOUNT_ORDER = 'a';
    /** An account's orders by status, newest first: account u64, status u8, ~order id. */
    public static final byte ACCOUNT_ORDER_BY_STATUS = 's';
    /** A market's trades, newest first: market u32, ~trade id. */
    public static final byte MARKET_TRADE = 'M';
    /** An account's fills, newest first: account u64, ~height, ~index of the fill in its block (u32). */
    public static final byte ACCOUNT_FILL = 'F';

    /** The value of an index entry whose key says everything. */
    static final byte[] PRESENT = {1};

    private ExtraKeys() {
    }

    public static byte[] blockHeader(long height) {
        return ByteBuffer.allocate(9).put(BLOCK_HEADER).putLong(height).array();
    }

    public static byte[] blockBody(long height) {
        return ByteBuffer.allocate(9).put(BLOCK_BODY).putLong(height).array();
    }

    public static byte[] archivedOrder(long orderId) {
        return ByteBuffer.allocate(9).put(ARCHIVED_ORDER).putLong(orderId).array();
    }

    public static byte[] archiveBlock(long height) {
        return ByteBuffer.allocate(9).put(ARCHIVE_BLOCK).putLong(height).array();
    }

    static byte[] accountOrder(long accountId, long orderId) {
        return ByteBuffer.allocate(17).put(ACCOUNT_ORDER).putLong(accountId).putLong(~orderId).array();
    }

    static byte[] accountOrderPrefix(long accountId) {
        return ByteBuffer.allocate(9).put(ACCOUNT_ORDER).putLong(accountId).array();
    }

    static byte[] accountOrderByStatus(long accountId, int status, long orderId) {
        return ByteBuffer.allocate(18).put(ACCOUNT_ORDER_BY_STATUS).putLong(accountId).put((byte) status).putLong(~orderId).array();
    }

    static byte[] accountOrderByStatusPrefix(long accountId, int status) {
        return ByteBuffer.allocate(10).put(ACCOUNT_ORDER_BY_STATUS).putLong(accountId).put((byte) status).array();
    }

    /** The order id at the end of an account-order key of either index. */
    static long orderIdOf(byte[] accountOrderKey) {
        return ~ByteBuffer.wrap(accountOrderKey).getLong(accountOrderKey.length - 8);
    }

    static byte[] marketTrade(int marketId, long tradeId) {
        return ByteBuffer.allocate(13).put(MARKET_TRADE).putInt(marketId).putLong(~tradeId).array();
    }

    static byte[] marketTradePrefix(int marketId) {
        return ByteBuffer.allocate(5).put(MARKET_TRADE).putInt(marketId).array();
    }

    static byte[] accountFill(long accountId, long height, int index) {
        return ByteBuffer.allocate(21).put(ACCOUNT_FILL).putLong(accountId).putLong(~height).putInt(~index).array();
    }

    static byte[] accountFillPrefix(long accountId) {
        return ByteBuffer.allocate(9).put(ACCOUNT_FILL).putLong(accountId).array();
    }
}
